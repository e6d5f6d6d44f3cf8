/**
 * `diagnose can-reach` as a user runs it on a snapshot: the verdict, the
 * reasons (which policies isolate which side, which rule admits), and the
 * exit code (0 allowed, 1 denied, 2 bad input).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";

const SNAP = fixturePath("policy-default-deny-blocks");

/** The generated name of the first pod of a workload (pod names carry generated hashes). */
function pod(fixture: string, namespace: string, workload: string): string {
  const pods = JSON.parse(readFileSync(join(fixturePath(fixture), "resources/pods.json"), "utf8")) as { items: Array<{ metadata: { name: string; namespace: string } }> };
  const found = pods.items.find((p) => p.metadata.namespace === namespace && p.metadata.name.startsWith(`${workload}-`));
  if (!found) throw new Error(`no pod of ${namespace}/${workload} in ${fixture}`);
  return `${namespace}/${found.metadata.name}`;
}

describe("diagnose can-reach", () => {
  it("denies api → Service postgres under the default-deny, names the isolating policy, exits 1", () => {
    const r = runCli(["can-reach", SNAP, pod("policy-default-deny-blocks", "shop", "api"), "shop/svc/postgres:5432"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^DENIED: Service shop\/postgres port postgres 5432\/TCP -> targetPort 5432: 0\/1 backends/);
    expect(r.stdout).toContain("ingress to shop/postgres-0: isolated by shop/default-deny-ingress; no rule admits it");
  });

  it("allows web → Service api by its port name, quoting the admitting rule, exits 0", () => {
    const r = runCli(["can-reach", SNAP, pod("policy-default-deny-blocks", "shop", "web"), "shop/svc/api:http"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED: Service shop\/api port http 80\/TCP -> targetPort http: 2\/2 backends/);
    expect(r.stdout).toContain("admitted by shop/allow-api ingress[0].from[0] (podSelector {app=web} in shop; 8080/TCP, 9090/TCP)");
  });

  it("evaluates an outside address against a pod's named port and shows the closest rule", () => {
    const web = pod("policy-default-deny-blocks", "shop", "web");
    const r = runCli(["can-reach", SNAP, "203.0.113.9", `${web}:http`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`DENIED: 203.0.113.9 -> ${web} on http (8080)/TCP`);
    expect(r.stdout).toContain("the port matches but no peer matches 203.0.113.9");
  });

  it("--format json prints the verdicts", () => {
    const r = runCli(["can-reach", SNAP, pod("policy-default-deny-blocks", "shop", "api"), "shop/postgres-0:5432/TCP", "--format", "json"]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ allowed: false, policiesEnforced: true });
    expect(out.verdicts[0].ingress).toMatchObject({ isolated: true, reason: "no-rule-admits", selectingPolicies: [{ namespace: "shop", name: "default-deny-ingress" }] });
  });

  it("says when the CNI does not enforce policies: allowed, with what the policies alone would say", () => {
    const fixture = "policy-not-enforced";
    const r = runCli(["can-reach", fixturePath(fixture), pod(fixture, "shop", "api"), "shop/postgres-0:5432"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED: the CNI \(flannel\) does not enforce NetworkPolicy/);
    expect(r.stdout).toContain("  DENIED: ");
  });

  it("bad input is a one-line error and exit 2", () => {
    const cases: Array<[string[], RegExp]> = [
      [["can-reach", SNAP, "shop/nope", "shop/svc/api:80"], /pod shop\/nope is not in the snapshot/],
      [["can-reach", SNAP, pod("policy-default-deny-blocks", "shop", "web"), "shop/svc/api"], /Service shop\/api has 2 ports .*say which/],
      [["can-reach", SNAP, pod("policy-default-deny-blocks", "shop", "web"), "shop/postgres-0"], /a port is needed/],
      [["can-reach", SNAP, "shop/web", "shop/postgres-0:99999"], /is not PORT\[\/PROTO\]/],
      [["can-reach", SNAP, "not-a-ref", "shop/postgres-0:5432"], /is not ns\/pod, ns\/svc\/NAME or an IP address/],
      [["can-reach", SNAP], /usage: diagnose can-reach/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("--help documents the forms and exit codes", () => {
    const r = runCli(["can-reach", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("ns/svc/NAME");
    expect(r.stdout).toContain("Exit codes: 0 allowed, 1 denied, 2 bad input.");
  });
});
