/**
 * Malformed objects inside an otherwise good snapshot: syntax errors (reported
 * with file and line), wrong types, missing required fields, duplicates,
 * unknown API versions, absurd nesting. Each is skipped with a warning and the
 * rest of the snapshot is still diagnosed: the selector typo stays rank 1.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Report } from "../../src/types/report.js";
import { runMain } from "./run-main.js";
import { fixtureEntries, scratchDir, type Entries } from "./snapshots.js";

type Obj = Record<string, unknown>;

let base: Entries;
beforeAll(async () => {
  base = await fixtureEntries("service-selector-typo");
});

/** The fixture as a directory snapshot, with some files replaced (a null body deletes the file). */
async function snapshotWith(changes: Record<string, string | null>): Promise<string> {
  const dir = await scratchDir();
  const files = new Map(base.map(([n, b]) => [n, b.toString("utf8")]));
  for (const [name, body] of Object.entries(changes)) {
    if (body === null) files.delete(name);
    else files.set(name, body);
  }
  for (const [name, body] of files) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), body);
  }
  return dir;
}

function list(name: string): { apiVersion: string; kind: string; items: Obj[] } {
  const body = base.find(([n]) => n === `resources/${name}.json`)![1];
  return JSON.parse(body.toString("utf8")) as { apiVersion: string; kind: string; items: Obj[] };
}

function named(items: Obj[], name: string): Obj {
  return items.find((i) => (i.metadata as Obj).name === name)!;
}

async function diagnoseWith(changes: Record<string, string | null>): Promise<Report> {
  const r = await runMain([await snapshotWith(changes), "--format", "json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  expect(report.findings[0]?.cause, "the rest of the snapshot is still diagnosed").toBe("service.selector-mismatch");
  return report;
}

describe("syntax errors name the file and the line", () => {
  it("JSON: a stray comma in endpoints.json", async () => {
    const lines = JSON.stringify(list("endpoints"), null, 2).split("\n");
    const at = lines.findIndex((l) => l.includes('"subsets"'));
    lines[at] = lines[at]!.replace('"subsets"', ',"subsets"');
    const report = await diagnoseWith({ "resources/endpoints.json": lines.join("\n") });
    expect(report.warnings).toContainEqual(expect.stringMatching(new RegExp(`^resources/endpoints\\.json: invalid JSON at line ${at + 1} \\(.+\\); file skipped$`)));
    expect(report.coverage.rulesSkipped.map((s) => s.ruleId)).not.toContain("service-selector-matches-no-pod");
  });

  it("JSON: a file cut short (a half-saved kubectl output)", async () => {
    const text = JSON.stringify(list("events"), null, 2);
    const cut = text.slice(0, Math.floor(text.length / 2));
    const report = await diagnoseWith({ "resources/events.json": cut });
    expect(report.warnings).toContainEqual(expect.stringMatching(new RegExp(`^resources/events\\.json: invalid JSON at line ${cut.split("\n").length} \\(.+\\); file skipped$`)));
  });

  it("YAML: services saved with kubectl -o yaml, one document broken", async () => {
    const services = list("services").items;
    const good = services.map((s) => stringify(s)).join("---\n");
    // A hand-edited document with a key given twice.
    const broken = `${good}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: extra\n  namespace: shop\n  name: extra2\nspec:\n  ports: [{port: 80}]\n`;
    const report = await diagnoseWith({ "resources/services.json": null, "resources/services.yaml": broken });
    const line = broken.split("\n").indexOf("  name: extra2") + 1;
    expect(report.warnings).toContainEqual(expect.stringMatching(new RegExp(`^resources/services\\.yaml: invalid YAML at line ${line} .*; document skipped$`)));
    expect(report.coverage.checked.services).toBe(services.length);
  });

  it("YAML nested beyond any kubectl output is refused before the parser recurses", async () => {
    const report = await diagnoseWith({ "resources/ingresses.json": null, "resources/ingresses.yaml": `items:\n  - ${"[".repeat(5000)}${"]".repeat(5000)}\n` });
    expect(report.warnings).toContain("resources/ingresses.yaml: nested deeper than 100 levels at line 2; file skipped");
  });

  it("a YAML alias bomb (billion laughs) is refused before any alias is expanded; the other documents are read", async () => {
    const services = list("services").items;
    const levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    const laughs = levels.map((l, i) => `${l}: &${l} [${i === 0 ? Array(9).fill('"lol"').join(",") : Array(9).fill(`*${levels[i - 1]}`).join(",")}]`).join("\n");
    const bomb = `apiVersion: v1\nkind: Service\nmetadata:\n  name: laughs\n  namespace: shop\n  annotations:\n${laughs.replace(/^/gm, "    ")}\n    all: *i\nspec:\n  ports: [{port: 80}]\n`;
    const yaml = `${services.map((svc) => stringify(svc)).join("---\n")}---\n${bomb}`;
    const report = await diagnoseWith({ "resources/services.json": null, "resources/services.yaml": yaml });
    const line = yaml.split("\n").findIndex((l) => l.includes("*a")) + 1;
    expect(report.warnings).toContain(`resources/services.yaml: YAML alias at line ${line} (kubectl never writes aliases; they can expand without bound); document skipped`);
    expect(report.coverage.checked.services).toBe(services.length);
  });

  it("JSON nested a million levels deep is located without recursion", async () => {
    const report = await diagnoseWith({ "resources/ingresses.json": `{"items": ${"[".repeat(1_000_000)}` });
    expect(report.warnings).toContainEqual(expect.stringMatching(/^resources\/ingresses\.json: invalid JSON at line 1 /));
  });
});

describe("bad objects are skipped one by one", () => {
  it("wrong types and missing required fields", async () => {
    const pods = list("pods");
    const victims = pods.items.filter((p) => ((p.metadata as Obj).namespace as string) === "payments");
    (victims[0]!.metadata as Obj).labels = "app=payments";
    (victims[1]!.spec as Obj).containers = { name: "server" };
    const services = list("services");
    const svc = named(services.items, "payments");
    delete (svc.metadata as Obj).name;
    (named(services.items, "postgres").spec as Obj).ports = "5432";
    const nodes = list("nodes");
    nodes.items.push({ apiVersion: "v1", kind: "Node", metadata: { name: 42 }, spec: {}, status: {} }, "node-9" as unknown as Obj, null as unknown as Obj);
    const report = await diagnoseWith({
      "resources/pods.json": JSON.stringify(pods),
      "resources/services.json": JSON.stringify(services),
      "resources/nodes.json": JSON.stringify(nodes),
    });
    const w = report.warnings.join("\n");
    expect(w).toMatch(new RegExp(`resources/pods\\.json: item \\d+ \\(payments/${(victims[0]!.metadata as Obj).name}\\) skipped: metadata\\.labels: `));
    expect(w).toMatch(new RegExp(`resources/pods\\.json: item \\d+ \\(payments/${(victims[1]!.metadata as Obj).name}\\) skipped: spec\\.containers: `));
    expect(w).toMatch(/resources\/services\.json: item 6 skipped: metadata\.name: /);
    expect(w).toMatch(/resources\/services\.json: item 5 \(shop\/postgres\) skipped: spec\.ports: /);
    expect(w).toMatch(/resources\/nodes\.json: item 3 skipped: metadata\.name: /);
    expect(w).toMatch(/resources\/nodes\.json: item 4 skipped: not an object/);
    expect(w).toMatch(/resources\/nodes\.json: item 5 skipped: not an object/);
    expect(report.coverage.checked.pods).toBe(pods.items.length - 2);
    expect(report.coverage.checked.services).toBe(services.items.length - 2);
  });

  it("duplicate objects: the first is kept", async () => {
    const services = list("services");
    const dup = structuredClone(named(services.items, "api"));
    services.items.push(dup);
    const report = await diagnoseWith({ "resources/services.json": JSON.stringify(services) });
    expect(report.warnings).toContain(`resources/services.json: item ${services.items.length - 1} (shop/api) skipped: duplicate of an earlier item`);
    expect(report.coverage.checked.services).toBe(services.items.length - 1);
  });

  it("unknown API versions and kinds", async () => {
    const ingresses = list("ingresses");
    ingresses.items.push({ apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "legacy", namespace: "shop" }, spec: { backend: { serviceName: "web", servicePort: 80 } } });
    const slices = list("endpointslices");
    const future = structuredClone(slices.items[0]!);
    future.apiVersion = "discovery.k8s.io/v2";
    (future.metadata as Obj).name = "from-the-future";
    slices.items.push(future);
    const report = await diagnoseWith({ "resources/ingresses.json": JSON.stringify(ingresses), "resources/endpointslices.json": JSON.stringify(slices) });
    expect(report.warnings).toContain(`resources/ingresses.json: item ${ingresses.items.length - 1} (shop/legacy) skipped: unsupported apiVersion extensions/v1beta1 (expected networking.k8s.io/v1)`);
    expect(report.warnings).toContainEqual(expect.stringMatching(/^resources\/endpointslices\.json: item \d+ \(.*\/from-the-future\) skipped: unsupported apiVersion discovery\.k8s\.io\/v2/));
  });

  it("a file that is not a list at all", async () => {
    const report = await diagnoseWith({ "resources/events.json": '"kubectl: command not found"' });
    expect(report.warnings).toContain("resources/events.json: a string where a Kubernetes List was expected; skipped");
  });

  it("a list of 5,000 broken items is one warning per item up to 20, then a count", async () => {
    const broken = { apiVersion: "v1", kind: "List", items: Array.from({ length: 5000 }, (_, i) => ({ apiVersion: "v1", kind: "Event", metadata: { name: `e${i}`, namespace: "shop" }, involvedObject: "nope" })) };
    const report = await diagnoseWith({ "resources/events.json": JSON.stringify(broken) });
    const events = report.warnings.filter((w) => w.startsWith("resources/events.json"));
    expect(events).toHaveLength(21);
    expect(events[20]).toBe("resources/events.json: 4980 more items skipped");
  });

  it("a manifest with fields of the wrong type keeps its good fields", async () => {
    const manifest = { format: "netdiag-snapshot/v1", collectedAt: 1_763_807_400, cluster: "prod", errors: [{ step: "resources/gateways.json", message: "the server doesn't have a resource type \"gateways\"" }, "Forbidden", null] };
    const report = await diagnoseWith({ "manifest.json": JSON.stringify(manifest) });
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        "manifest.json: collectedAt ignored: expected string, received number",
        "manifest.json: cluster ignored: expected object, received string",
        "manifest.json: errors[1] ignored: expected object, received string",
        "manifest.json: errors[2] ignored: expected object, received null",
      ]),
    );
    expect(report.snapshot.format).toBe("netdiag-snapshot/v1");
    expect(report.coverage.notes).toContain('collector could not collect resources/gateways.json: the server doesn\'t have a resource type "gateways"');
  });
});
