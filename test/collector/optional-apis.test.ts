/**
 * Optional APIs (Gateway API here) end to end: the collector records in
 * manifest.json whether the cluster serves them, and diagnose tells "not
 * installed" (nothing to check) from "not collected" (checks skipped) by it.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diagnose } from "../../src/diagnose.js";
import { builtinRules } from "../helpers/fixtures.js";
import { startFakeApiServer, type FakeApiOptions, type FakeApiServer } from "./fake-apiserver.js";
import { filesUnderRoot, readTgz, runCollector, tempDir, writeKubeconfig } from "./harness.js";

interface Manifest {
  apis: { checked: string[]; served: string[] };
  errors: { step: string; message: string }[];
  unavailable: { step: string; reason: string }[];
}

const GATEWAY_API = ["gateways", "httproutes", "gatewayclasses", "referencegrants"].map((r) => `${r}.gateway.networking.k8s.io`);
const GATEWAY_FILES = ["gateways", "httproutes", "gatewayclasses", "referencegrants"].map((r) => `resources/${r}.json`);

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function collect(options: FakeApiOptions) {
  server = await startFakeApiServer(options);
  const dir = tempDir("netdiag-apis-");
  const run = await runCollector(["--no-node-data", "-q", "-o", "snap.tgz"], { cwd: dir, kubeconfig: writeKubeconfig(dir, server.url) });
  expect(run.code).toBe(0);
  const tgz = join(dir, "snap.tgz");
  const { files } = filesUnderRoot(await readTgz(tgz));
  const manifest = JSON.parse(files.get("manifest.json")!.toString()) as Manifest;
  const report = await diagnose(tgz, await builtinRules());
  return { files, manifest, report };
}

describe("collect.sh and diagnose on optional APIs", () => {
  it("Gateway API installed: every Gateway API file is written, recorded as served, and the gateway rule runs", async () => {
    const { files, manifest, report } = await collect({ install: ["gateway-api"] });
    expect(manifest.apis.served).toEqual(expect.arrayContaining(GATEWAY_API));
    for (const file of GATEWAY_FILES) expect(files.has(file), file).toBe(true);
    // No ReferenceGrant in the cluster: an empty List says "none", where no file would say "not collected".
    expect(JSON.parse(files.get("resources/referencegrants.json")!.toString())).toMatchObject({ kind: "List", items: [] });
    expect(JSON.parse(files.get("resources/httproutes.json")!.toString()).items.map((r: { metadata: { name: string } }) => r.metadata.name)).toEqual(["web"]);
    expect(report.coverage.rulesSkipped.map((s) => s.ruleId)).not.toContain("gateway-httproute-not-attached");
    expect(report.coverage.notes.filter((n) => n.includes("gateway"))).toEqual([]);
    // The route is attached and its backend resolves: nothing to report about it.
    expect(report.findings.filter((f) => f.layer === "gateway")).toEqual([]);
  });

  it("Gateway API discovery down: not recorded as checked, its files listed as unavailable, and the gateway rule skipped saying why", async () => {
    const { files, manifest, report } = await collect({ install: ["gateway-api"], discoveryDown: ["gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"] });
    expect(manifest.errors[0]).toEqual({ step: "discovery", message: expect.stringMatching(/^error: unable to retrieve the complete list of server APIs: gateway\.networking\.k8s\.io\/v1: /) });
    for (const name of GATEWAY_API) expect(manifest.apis.checked).not.toContain(name);
    expect(manifest.apis.checked).toContain("peerauthentications.security.istio.io");
    expect(manifest.unavailable).toEqual(
      GATEWAY_API.map((name, i) => ({ step: GATEWAY_FILES[i], reason: `API discovery failed: whether the cluster serves ${name} is unknown` })),
    );
    for (const file of GATEWAY_FILES) expect(files.has(file), file).toBe(false);
    expect(report.coverage.rulesSkipped).toContainEqual({
      ruleId: "gateway-httproute-not-attached",
      cause: "gateway.route-not-attached",
      missing: "resources/httproutes.json",
      reason: "resources/httproutes.json: API discovery failed: whether the cluster serves httproutes.gateway.networking.k8s.io is unknown",
    });
    // Istio was checked and is not served: its rules have nothing to check, and are not a gap.
    expect(report.coverage.rulesSkipped.filter((s) => s.cause.startsWith("mesh."))).toEqual([]);
  });
});
