/**
 * Partial snapshots: the collector's service account may not list some
 * resources (RBAC), and node data may be skipped (--no-node-data, exec
 * forbidden). The report still diagnoses what was collected, and its coverage
 * says which causes could not be checked, for lack of which file, and why.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel, stepCovers } from "../../src/model/build.js";
import type { Report } from "../../src/types/report.js";
import { runMain } from "./run-main.js";
import { fixtureEntries, scratchDir } from "./snapshots.js";

const FORBIDDEN_NODES = 'Error from server (Forbidden): nodes is forbidden: User "system:serviceaccount:support:netdiag" cannot list resource "nodes" in API group "" at the cluster scope';
const FORBIDDEN_SLICES = 'Error from server (Forbidden): endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:support:netdiag" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope';

async function rbacLimitedSnapshot(): Promise<string> {
  const dir = await scratchDir();
  for (const [name, body] of await fixtureEntries("service-selector-typo")) {
    if (name === "resources/nodes.json" || name === "resources/endpointslices.json") continue;
    let content: Buffer | string = body;
    if (name === "manifest.json") {
      const manifest = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      manifest.scope = { namespaces: "all", nodeData: "skip" };
      manifest.errors = [
        { step: "resources/nodes.json", message: FORBIDDEN_NODES },
        { step: "resources/endpointslices.json", message: FORBIDDEN_SLICES },
      ];
      content = JSON.stringify(manifest, null, 2);
    }
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

describe("a snapshot collected without permission to list nodes or EndpointSlices, and without node data", () => {
  it("is diagnosed, and coverage names each cause not checked with the collector's reason", async () => {
    const r = await runMain([await rbacLimitedSnapshot(), "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings[0]?.cause).toBe("service.selector-mismatch");

    const skipped = new Map(report.coverage.rulesSkipped.map((s) => [s.ruleId, s]));
    expect(skipped.get("node-not-ready")).toEqual({ ruleId: "node-not-ready", cause: "node.not-ready", missing: "resources/nodes.json", reason: `resources/nodes.json: ${FORBIDDEN_NODES}` });
    expect(skipped.get("service-external-traffic-local-nodes-without-endpoint")).toMatchObject({ missing: "resources/nodes.json", reason: expect.stringContaining("forbidden") });
    expect(skipped.get("service-endpoints-and-slices-disagree")).toMatchObject({ cause: "service.endpointslice-disagreement", missing: "resources/endpointslices.json", reason: `resources/endpointslices.json: ${FORBIDDEN_SLICES}` });
    // Endpoints alone still answer "no ready endpoints": EndpointSlices are one of two alternatives.
    expect(skipped.has("service-no-ready-endpoints")).toBe(false);
    expect(report.coverage.notes).toContain(`collector could not collect resources/nodes.json: ${FORBIDDEN_NODES}`);
  });
});

describe("why node data is missing", () => {
  const model = (manifest: object) => buildModel({ source: "t", files: new Map([["manifest.json", Buffer.from(JSON.stringify(manifest))]]), warnings: [] });

  it("--no-node-data", () => {
    expect(model({ scope: { nodeData: "skip" } }).missingReason("nodes/*/iptables-save.txt")).toBe("node data not collected (collector run with --no-node-data)");
    expect(model({ scope: { nodeData: "skip" } }).missingReason("resources/pods.json")).toBeUndefined();
  });

  it("exec forbidden for every node, or for one node, or one file", () => {
    const forbidden = "pods/exec is forbidden, no node data collected: pods \"kube-proxy-x2k4q\" is forbidden";
    expect(model({ errors: [{ step: "nodes", message: forbidden }] }).missingReason("nodes/*/iptables-save.txt")).toBe(`nodes: ${forbidden}`);
    expect(model({ errors: [{ step: "nodes/node-2", message: "kubectl debug failed" }] }).missingReason("nodes/*/ip-route.txt")).toBe("nodes/node-2: kubectl debug failed");
    expect(model({ errors: [{ step: "nodes/node-2/conntrack.txt", message: "conntrack: command not found" }] }).missingReason("nodes/*/conntrack.txt")).toBe("nodes/node-2/conntrack.txt: conntrack: command not found");
    expect(model({ errors: [{ step: "nodes/node-2/conntrack.txt", message: "x" }] }).missingReason("nodes/*/ip-route.txt")).toBeUndefined();
  });

  it("steps name files with or without extension, and per-namespace retries", () => {
    expect(stepCovers("resources/networkpolicies.json (shop)", "resources/networkpolicies.json")).toBe(true);
    expect(stepCovers("networkpolicies", "resources/networkpolicies.json")).toBe(true);
    expect(stepCovers("resources/networkpolicies.json", "resources/ingresses.json")).toBe(false);
    expect(stepCovers("discovery", "resources/pods.json")).toBe(false);
    expect(model({ unavailable: [{ step: "resources/gateways.json", reason: "Gateway API not installed" }] }).missingReason("resources/gateways.json")).toBe("resources/gateways.json: Gateway API not installed");
  });
});
