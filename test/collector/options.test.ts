/**
 * Options that change what is collected: --namespace scoping, the log window
 * and byte cap, --node-debug (and its cleanup on Ctrl-C), -q, and the kubectl
 * plugin entry point.
 */
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RECORDED, startFakeApiServer, type FakeApiServer } from "./fake-apiserver.js";
import { PLUGIN, filesUnderRoot, readTgz, runCollector, tempDir, writeKubeconfig } from "./harness.js";
import { EXEC_SKIP_REASON, kubectlExecsOverWebSocket } from "./kubectl-version.js";

interface KList {
  items: { metadata: { name: string; namespace?: string } }[];
}
interface Manifest {
  scope: { namespaces: string | string[]; nodeData: string };
  completeness: { complete: boolean; interrupted: boolean };
  errors: { step: string; message: string }[];
}

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const refs = (files: Map<string, Buffer>, plural: string) =>
  (JSON.parse(files.get(`resources/${plural}.json`)!.toString()) as KList).items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
const execWorks = kubectlExecsOverWebSocket();

describe("collect.sh options", () => {
  it("--namespace limits application data but keeps kube-system, network components and the API service", async () => {
    server = await startFakeApiServer();
    const dir = tempDir("netdiag-scope-");
    const run = await runCollector(["--namespace", "shop", "--no-node-data", "--log-bytes", "400", "-q", "-o", "snap.tgz"], {
      cwd: dir,
      kubeconfig: writeKubeconfig(dir, server.url),
    });
    expect(run.code).toBe(0);
    const { files } = filesUnderRoot(await readTgz(join(dir, "snap.tgz")));
    const manifest = JSON.parse(files.get("manifest.json")!.toString()) as Manifest;
    expect(manifest.scope).toMatchObject({ namespaces: ["kube-system", "shop", "ingress-nginx"], nodeData: "skip" });

    const podNamespaces = new Set(refs(files, "pods").map((r) => r.split("/")[0]));
    expect(podNamespaces).toEqual(new Set(["kube-system", "shop", "ingress-nginx"]));
    // From the default namespace only the kubernetes Service (and its endpoints) and node events.
    expect(refs(files, "services").filter((r) => r.startsWith("default/"))).toEqual(["default/kubernetes"]);
    expect(refs(files, "endpointslices").filter((r) => r.startsWith("default/"))).toEqual(["default/kubernetes"]);
    expect(refs(files, "events").filter((r) => r.startsWith("default/"))).toEqual(["default/worker-1.1879a2b3c4d5e6f7"]);
    // Cluster-scoped objects are not scoped.
    expect(refs(files, "nodes").length).toBe(2);
    // Nothing listed across all namespaces except the label-selected network components.
    const allNamespaces = server.requests.filter((r) => /^\/api\/v1\/(pods|services|endpoints|events|secrets)$|^\/apis\/[^/]+\/[^/]+\/[^/]+$/.test(r.path) && !r.path.endsWith("ingressclasses") && !r.path.endsWith("globalnetworkpolicies"));
    expect(allNamespaces.every((r) => r.path === "/api/v1/pods" && r.query.has("labelSelector"))).toBe(true);
    expect(files.get("resources/secrets.tsv")!.toString().split("\n").filter(Boolean).map((l) => l.split("\t")[0]).sort()).toEqual([
      "ingress-nginx", "kube-system", "shop", "shop",
    ]);

    // -q: no progress lines, still the summary.
    expect(run.stderr).not.toMatch(/^\[/m);
    expect(run.stderr).toMatch(/^collect\.sh: wrote snap\.tgz /m);

    // --log-bytes 400: the newest bytes of each log, whole lines only.
    const recordedLog = readFileSync(join(RECORDED, "logs", "kube-system", "kube-proxy-4xq9z", "kube-proxy.log"), "utf8");
    const kept = files.get("logs/kube-system/kube-proxy-4xq9z/kube-proxy.log")!.toString();
    expect(kept.length).toBeLessThanOrEqual(400);
    expect(kept.length).toBeGreaterThan(0);
    expect(recordedLog.endsWith(kept)).toBe(true);
    expect(recordedLog.slice(0, recordedLog.length - kept.length).endsWith("\n")).toBe(true);
    const shortLog = readFileSync(join(RECORDED, "logs", "kube-system", "coredns-7c65d6cfc9-8xk2p", "coredns.log"), "utf8");
    expect(files.get("logs/kube-system/coredns-7c65d6cfc9-8xk2p/coredns.log")!.toString()).toBe(shortLog);
    const logQuery = server.requests.find((r) => r.path.endsWith("/log"))!.query;
    expect(Number(logQuery.get("limitBytes"))).toBe(1600);
    expect(Number(logQuery.get("tailLines"))).toBeGreaterThan(0);
  });

  it.skipIf(!execWorks)(`--node-debug reads the node through a debug pod and deletes it (${EXEC_SKIP_REASON})`, async () => {
    server = await startFakeApiServer();
    const dir = tempDir("netdiag-debug-");
    const run = await runCollector(["--node-debug", "--node", "cp-1", "-q", "-o", "snap.tgz"], { cwd: dir, kubeconfig: writeKubeconfig(dir, server.url) });
    expect(run.code).toBe(0);
    const { files } = filesUnderRoot(await readTgz(join(dir, "snap.tgz")));
    const node = (f: string) => files.get(`nodes/cp-1/${f}`)?.toString();
    // Through chroot /host: the node's own /etc/resolv.conf and its nft binary.
    expect(node("resolv.conf")).toBe(readFileSync(join(RECORDED, "nodes", "cp-1", "fs", "etc", "resolv.conf"), "utf8"));
    expect(node("nft-ruleset.txt")).toBe(readFileSync(join(RECORDED, "nodes", "cp-1", "commands", "nft-ruleset.txt"), "utf8"));
    expect(node("cni/calico-kubeconfig")).toBeUndefined();
    expect([...files.keys()].some((f) => f.startsWith("nodes/worker-1/"))).toBe(false);
    const debugPod = server.deletedPods[0] ?? "";
    expect(debugPod).toMatch(/^node-debugger-cp-1-[a-z0-9]{5}$/);
    expect(server.createdPods()).toEqual([]);
    // Every command ran first on the node itself; only ipvsadm, absent there,
    // was then looked for in the debug image and the host-network pods.
    const execs = server.requests.filter((r) => r.command);
    const firstTries = new Map<string, string>();
    for (const r of execs) {
      const cmd = r.command!.join(" ").replace(/^chroot \/host /, "");
      if (!firstTries.has(cmd)) firstTries.set(cmd, `${r.path.split("/")[6]} ${r.command![0]}`);
    }
    expect([...firstTries.values()].every((v) => v === `${debugPod} chroot`)).toBe(true);
    expect(new Set(execs.filter((r) => r.command![0] !== "chroot").map((r) => r.command![0]))).toEqual(new Set(["ipvsadm"]));
  });

  it.skipIf(!execWorks)(`Ctrl-C during --node-debug still writes the snapshot and deletes the debug pod (${EXEC_SKIP_REASON})`, async () => {
    server = await startFakeApiServer({ holdDebugPods: true });
    const srv = server;
    const dir = tempDir("netdiag-interrupt-");
    const run = await runCollector(["--node-debug", "-o", "snap.tgz"], {
      cwd: dir,
      kubeconfig: writeKubeconfig(dir, server.url),
      detached: true,
      onSpawn: (child) => {
        // Once the debug pod exists and is being waited for, press "Ctrl-C"
        // (SIGINT to the whole process group, as a terminal does).
        const timer = setInterval(() => {
          const waited = srv.requests.filter((r) => r.path.includes("/pods/node-debugger-")).length;
          if (srv.createdPods().length > 0 && waited >= 2) {
            clearInterval(timer);
            process.kill(-child.pid!, "SIGINT");
          }
        }, 50);
        child.on("close", () => clearInterval(timer));
      },
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("collect.sh: interrupted: finishing the snapshot with what was collected");
    expect(server.createdPods()).toEqual([]);
    expect(server.deletedPods).toEqual([expect.stringMatching(/^node-debugger-cp-1-/)]);
    const { files } = filesUnderRoot(await readTgz(join(dir, "snap.tgz")));
    const manifest = JSON.parse(files.get("manifest.json")!.toString()) as Manifest;
    expect(manifest.completeness).toMatchObject({ complete: false, interrupted: true });
    expect(manifest.errors.at(-1)).toEqual({ step: "collector", message: "interrupted by the user after step 24 of 25" });
    expect(files.has("resources/pods.json")).toBe(true);
  });

  it("--context and --kubeconfig select the cluster, whatever KUBECONFIG and the current context say", async () => {
    server = await startFakeApiServer();
    const dir = tempDir("netdiag-context-");
    // KUBECONFIG points at a dead cluster; the file given with --kubeconfig has
    // a dead current context and the live one under another name.
    const dead = writeKubeconfig(dir, "http://127.0.0.1:1", "dead");
    const kubeconfig = join(dir, "two-contexts.yaml");
    writeFileSync(
      kubeconfig,
      readFileSync(dead, "utf8")
        .replace("clusters:\n", `clusters:\n- name: live\n  cluster:\n    server: ${server.url}\n`)
        .replace("contexts:\n", "contexts:\n- name: staging/eu\n  context:\n    cluster: live\n    user: kubernetes-admin\n"),
    );
    const run = await runCollector(["--kubeconfig", kubeconfig, "--context", "staging/eu", "--no-node-data", "-q"], { cwd: dir, kubeconfig: dead });
    expect(run.stderr).toMatch(/^collect\.sh: wrote netdiag-staging-eu-\d{8}T\d{6}Z\.tgz /m);
    expect(run.code).toBe(0);
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
    const { root, files } = filesUnderRoot(await readTgz(join(dir, tgz)));
    expect(tgz).toBe(`${root}.tgz`);
    expect(JSON.parse(files.get("manifest.json")!.toString()).cluster.context).toBe("staging/eu");
  });

  it("runs as `kubectl netdiag collect` once kubectl-netdiag is on PATH", async () => {
    server = await startFakeApiServer();
    const dir = tempDir("netdiag-plugin-");
    const bin = join(dir, "bin");
    mkdirSync(bin);
    // Installed as a symlink: the plugin finds collect.sh next to its real path.
    symlinkSync(PLUGIN, join(bin, "kubectl-netdiag"));
    const kubeconfig = writeKubeconfig(dir, server.url);
    const plugins = await runCollector(["plugin", "list"], { cwd: dir, kubeconfig, command: "kubectl", pathPrefix: bin });
    expect(plugins.stdout).toContain(join(bin, "kubectl-netdiag"));
    const run = await runCollector(["netdiag", "collect", "--no-node-data", "-q", "-o", "plugin.tgz"], { cwd: dir, kubeconfig, command: "kubectl", pathPrefix: bin });
    expect(run.code).toBe(0);
    const { files } = filesUnderRoot(await readTgz(join(dir, "plugin.tgz")));
    expect(files.has("resources/pods.json")).toBe(true);
    const version = await runCollector(["netdiag", "version"], { cwd: dir, kubeconfig, command: "kubectl", pathPrefix: bin });
    expect(version.stdout).toBe("kube-netdiag-collect 0.1.0\n");
    const bad = await runCollector(["netdiag", "colect"], { cwd: dir, kubeconfig, command: "kubectl", pathPrefix: bin });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^kubectl-netdiag: unknown command: colect\n/);
  });
});
