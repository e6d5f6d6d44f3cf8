/**
 * The collector keeps going when a step fails, says what failed, and only gives
 * up (exit 1, no tarball) when the cluster cannot be reached at all.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeApiServer, type FakeApiOptions, type FakeApiServer } from "./fake-apiserver.js";
import { filesUnderRoot, readTgz, runCollector, tempDir, writeKubeconfig } from "./harness.js";
import { EXEC_SKIP_REASON, kubectlExecsOverWebSocket } from "./kubectl-version.js";

interface Manifest {
  completeness: { complete: boolean; errors: number };
  errors: { step: string; message: string }[];
  unavailable: { step: string; reason: string }[];
}

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function collect(options: FakeApiOptions, args: string[]) {
  server = await startFakeApiServer(options);
  const dir = tempDir("netdiag-faults-");
  const run = await runCollector([...args, "-o", "snap.tgz"], { cwd: dir, kubeconfig: writeKubeconfig(dir, server.url) });
  const { files } = filesUnderRoot(await readTgz(join(dir, "snap.tgz")));
  const manifest = JSON.parse(files.get("manifest.json")!.toString()) as Manifest;
  return { run, files, manifest };
}

const podLogError = "logs/ingress-nginx/ingress-nginx-controller-5d88495688-q4w7n/controller.log";

describe("collect.sh when steps fail", () => {
  it("records a 403 Forbidden on networkpolicies in manifest.errors and collects everything else", async () => {
    const { run, files, manifest } = await collect({ forbid: ["networkpolicies"] }, ["--no-node-data"]);
    expect(run.code).toBe(0);
    expect(manifest.errors.map((e) => e.step)).toEqual(["resources/networkpolicies.json", podLogError]);
    expect(manifest.errors[0]?.message).toBe(
      'Error from server (Forbidden): networkpolicies.networking.k8s.io is forbidden: User "system:serviceaccount:support:netdiag" cannot list resource "networkpolicies" in API group "networking.k8s.io" at the cluster scope',
    );
    expect(manifest.completeness).toMatchObject({ complete: false, errors: 2 });
    expect(files.has("resources/networkpolicies.json")).toBe(false);
    const resources = [...files.keys()].filter((f) => f.startsWith("resources/")).sort();
    expect(resources).toEqual(
      [
        "configmaps", "daemonsets", "deployments", "endpoints", "endpointslices", "events", "globalnetworkpolicies",
        "ingressclasses", "ingresses", "namespaces", "nodes", "pods", "services",
      ]
        .map((r) => `resources/${r}.json`)
        .concat("resources/secrets.tsv")
        .sort(),
    );
    expect([...files.keys()].filter((f) => f.startsWith("logs/")).length).toBe(14);
    expect(files.get("collector.log")!.toString()).toMatch(/ERROR resources\/networkpolicies\.json: Error from server \(Forbidden\)/);
    expect(run.stderr).toMatch(/^collect\.sh: the snapshot is incomplete; see "errors" in manifest\.json and collector\.log$/m);
    expect(run.stderr).toMatch(/^ {2}resources\/networkpolicies\.json: Error from server \(Forbidden\)/m);
  });

  it("records forbidden pods/exec once, skips node data and keeps everything else", async () => {
    const { run, files, manifest } = await collect({ forbid: ["pods/exec"] }, []);
    expect(run.code).toBe(0);
    expect(manifest.errors.map((e) => e.step)).toEqual([podLogError, "nodes"]);
    expect(manifest.errors[1]?.message).toMatch(/^pods\/exec is forbidden, no node data collected: Error from server \(Forbidden\): pods "kube-proxy-4xq9z" is forbidden/);
    expect([...files.keys()].filter((f) => f.startsWith("nodes/"))).toEqual([]);
    // One kubectl exec, not one per command and node (kubectl itself retries
    // the refused WebSocket upgrade over SPDY, hence maybe two requests).
    expect(files.get("collector.log")!.toString().match(/kubectl exec /g)?.length).toBe(1);
    expect(new Set(server!.requests.filter((r) => r.command).map((r) => r.path))).toEqual(
      new Set(["/api/v1/namespaces/kube-system/pods/kube-proxy-4xq9z/exec"]),
    );
    expect(run.stderr).toContain("[25/25] node: worker-1 (skipped: pods/exec forbidden)");
  });

  it.skipIf(!kubectlExecsOverWebSocket())(`records nodes as unavailable when the API server cannot exec (${EXEC_SKIP_REASON})`, async () => {
    const { run, files, manifest } = await collect({ execUnsupported: true }, ["--node", "worker-1"]);
    expect(run.code).toBe(0);
    expect(manifest.unavailable.map((u) => u.step)).toEqual(["nodes/worker-1"]);
    expect(manifest.unavailable[0]?.reason).toMatch(/^kubectl exec is not possible here, node data skipped: .*the server could not find the requested resource/);
    expect([...files.keys()].filter((f) => f.startsWith("nodes/"))).toEqual([]);
    expect(files.has("resources/pods.json")).toBe(true);
  });

  it("exits 1 with a clear message and writes nothing when the API server is unreachable", async () => {
    // A port that was just free: nothing listens there.
    const closed = await startFakeApiServer();
    const url = closed.url;
    await closed.close();
    const dir = tempDir("netdiag-unreachable-");
    const run = await runCollector([], { cwd: dir, kubeconfig: writeKubeconfig(dir, url, "prod-eu1") });
    expect(run.code).toBe(1);
    const port = url.split(":").at(-1);
    expect(run.stderr).toBe(
      `collect.sh: cannot reach the Kubernetes API server of context "prod-eu1": The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?\n` +
        'collect.sh: nothing was collected. Check that "kubectl get nodes" works, then run again.\n',
    );
    expect(readdirSync(dir).filter((f) => f.endsWith(".tgz") || f.startsWith("netdiag"))).toEqual([]);
  });

  it("exits 2 on bad usage without touching the cluster", async () => {
    const dir = tempDir("netdiag-usage-");
    const kubeconfig = writeKubeconfig(dir, "http://127.0.0.1:1");
    for (const args of [["--since", "yesterday"], ["--log-bytes", "lots"], ["--namespace", "Bad_Name"], ["--frobnicate"], ["-o"]]) {
      const run = await runCollector(args, { cwd: dir, kubeconfig });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(/^collect\.sh: .+\nTry 'collect\.sh --help'\.\n$/);
    }
    expect(existsSync(join(dir, ".kube-cache"))).toBe(false);
    const help = await runCollector(["--help"], { cwd: dir, kubeconfig });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: collect.sh [options]");
    expect(readFileSync(join(dir, "kubeconfig"), "utf8")).toContain("http://127.0.0.1:1");
  });
});
