/**
 * What collect.sh writes is what diagnose reads: the tarball collected from the
 * recorded cluster loads without a single warning and diagnoses end to end.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/diagnose.js";
import { readSnapshot } from "../../src/snapshot/reader.js";
import { runCli } from "../helpers/cli.js";
import { startFakeApiServer, type FakeApiServer } from "./fake-apiserver.js";
import { runCollector, tempDir, writeKubeconfig } from "./harness.js";
import { kubectlExecsOverWebSocket } from "./kubectl-version.js";

let server: FakeApiServer;
let tgz: string;

beforeAll(async () => {
  server = await startFakeApiServer();
  const dir = tempDir("netdiag-e2e-");
  const run = await runCollector(["-q", "-o", "snapshot.tgz"], { cwd: dir, kubeconfig: writeKubeconfig(dir, server.url) });
  expect(run.code).toBe(0);
  tgz = join(dir, "snapshot.tgz");
});

afterAll(async () => {
  await server?.close();
});

interface Report {
  format: string;
  snapshot: { cluster: string; collectedAt: string; format: string };
  findings: { cause: string; subjects: { kind: string; namespace?: string; name: string }[] }[];
  coverage: { rulesRun: number; rulesSkipped: { ruleId: string; cause: string; missing: string }[]; notes?: string[] };
  warnings: string[];
}

describe("a collected snapshot in the diagnose pipeline", () => {
  it("is read by the snapshot reader and the model builder without warnings", async () => {
    const snapshot = await readSnapshot(tgz);
    expect(snapshot.warnings).toEqual([]);
    expect(snapshot.files.has("manifest.json")).toBe(true);
    expect(snapshot.files.has("resources/pods.json")).toBe(true);
    const model = await loadModel(tgz);
    expect(model.warnings).toEqual([]);
    expect(model.resources.pods.length).toBe(11);
    expect(model.secrets?.length).toBe(4);
  });

  it("diagnoses with `diagnose --format json`: exit 0, labelled with the collector's manifest", () => {
    const r = runCli([tgz, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.format).toBe("netdiag-report/v1");
    expect(report.snapshot).toMatchObject({ cluster: "kubernetes-admin@lab", format: "netdiag-snapshot/v1" });
    expect(report.snapshot.collectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(report.warnings).toEqual([]);
    expect(report.coverage.rulesRun).toBeGreaterThan(0);
    // With node data (exec), no rule is skipped for want of a file the collector writes.
    if (kubectlExecsOverWebSocket()) expect(report.coverage.rulesSkipped).toEqual([]);
    // Gateway API and Istio are not installed, and the manifest says so: not a coverage gap.
    expect(report.coverage.rulesSkipped.filter((s) => /^(gateway|mesh)\./.test(s.cause))).toEqual([]);
    // The healthy parts stay clean: masked env values and kept proxy variables raise nothing.
    const blamed = report.findings.flatMap((f) => f.subjects.map((s) => `${s.namespace ?? ""}/${s.name}`));
    expect(blamed.filter((s) => s.startsWith("shop/") || s.startsWith("kube-system/"))).toEqual([]);
  });

  it("reports the collector's errors as checks that could not run", () => {
    const r = runCli([tgz, "--no-color"]);
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/\s+/g, " ")).toContain(
      "collector could not collect logs/ingress-nginx/ingress-nginx-controller-5d88495688-q4w7n/controller.log",
    );
  });
});
