/**
 * collectors/collect.sh against a recorded 2-node kubeadm cluster (Calico,
 * CoreDNS, kube-proxy, ingress-nginx, an app namespace), served by a fake API
 * server and reached through the real kubectl. One collection, many checks.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECORDED, startFakeApiServer, type FakeApiServer } from "./fake-apiserver.js";
import { filesUnderRoot, readTgz, runCollector, tempDir, writeKubeconfig, type RunResult } from "./harness.js";
import { MUST_NOT_LEAK, PROXY_VALUES_KEPT, leaksIn, secretFixtures } from "./planted.js";
import { kubectlExecsOverWebSocket, EXEC_SKIP_REASON } from "./kubectl-version.js";

interface Manifest {
  format: string;
  collectedAt: string;
  collector: { name: string; version: string };
  cluster: { context: string; serverVersion: string };
  scope: { namespaces: string | string[]; nodeData: string };
  apis: { checked: string[]; served: string[] };
  redactions: string[];
  completeness: { complete: boolean; interrupted: boolean; steps: number; errors: number; unavailable: number };
  errors: { step: string; message: string }[];
  unavailable: { step: string; reason: string }[];
}
interface KList {
  apiVersion: string;
  kind: string;
  items: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> }[];
}

let server: FakeApiServer;
let dir: string;
let run: RunResult;
let root: string;
let files: Map<string, Buffer>;
let tarBytes: Buffer;
let manifest: Manifest;
const text = (path: string) => files.get(path)?.toString("utf8") ?? "";
const list = (path: string) => JSON.parse(text(path)) as KList;
const recorded = (...parts: string[]) => readFileSync(join(RECORDED, ...parts), "utf8");
const execWorks = kubectlExecsOverWebSocket();

beforeAll(async () => {
  server = await startFakeApiServer();
  dir = tempDir("netdiag-collect-");
  run = await runCollector(["-o", "snapshot.tgz"], { cwd: dir, kubeconfig: writeKubeconfig(dir, server.url) });
  const tgz = join(dir, "snapshot.tgz");
  tarBytes = gunzipSync(readFileSync(tgz));
  ({ root, files } = filesUnderRoot(await readTgz(tgz)));
  manifest = JSON.parse(text("manifest.json")) as Manifest;
});

afterAll(async () => {
  await server?.close();
});

describe("collect.sh on a healthy recorded cluster", () => {
  it("exits 0 and writes the tarball under one top-level folder named after the context and UTC time", () => {
    expect(run.code).toBe(0);
    expect(root).toMatch(/^netdiag-kubernetes-admin-lab-\d{8}T\d{6}Z$/);
  });

  it("holds the SPEC §1 layout: resources, logs, nodes, manifest.json, collector.log", () => {
    const names = [...files.keys()].sort();
    const expected = [
      "collector.log",
      "manifest.json",
      ...[
        "configmaps", "daemonsets", "deployments", "endpoints", "endpointslices", "events", "globalnetworkpolicies",
        "ingressclasses", "ingresses", "namespaces", "networkpolicies", "nodes", "pods", "services",
      ].map((r) => `resources/${r}.json`),
      "resources/secrets.tsv",
      "logs/ingress-nginx/ingress-nginx-controller-5d88495688-vx8kq/controller.log",
      ...["calico-node-7h2kd", "calico-node-xp9fq"].flatMap((p) =>
        ["calico-node", "install-cni", "mount-bpffs", "upgrade-ipam"].map((c) => `logs/kube-system/${p}/${c}.log`),
      ),
      "logs/kube-system/coredns-7c65d6cfc9-8xk2p/coredns.log",
      "logs/kube-system/coredns-7c65d6cfc9-tq7wd/coredns.log",
      "logs/kube-system/coredns-7c65d6cfc9-tq7wd/coredns.previous.log",
      "logs/kube-system/kube-proxy-4xq9z/kube-proxy.log",
      "logs/kube-system/kube-proxy-m2n7b/kube-proxy.log",
      ...(execWorks
        ? ["cp-1", "worker-1"].flatMap((n) =>
            [
              "cni/10-calico.conflist", "conntrack.txt", "dmesg.txt", "ip-addr.txt", "ip-route.txt",
              "ip6tables-save.txt", "iptables-legacy-save.txt", "iptables-nft-save.txt", "iptables-save.txt", "resolv.conf",
            ].map((f) => `nodes/${n}/${f}`),
          )
        : []),
    ].sort();
    expect(names).toEqual(expected);
    // Gateway API, Istio and Cilium are not installed: nothing asked, nothing written.
    expect(server.requests.filter((r) => /gateway\.networking|istio\.io|cilium\.io/.test(r.path))).toEqual([]);
  });

  it("writes manifest.json with format, time, cluster, redactions and what could not be collected", () => {
    expect(manifest.format).toBe("netdiag-snapshot/v1");
    expect(manifest.collectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(manifest.collectedAt) - Date.now())).toBeLessThan(10 * 60_000);
    expect(root.endsWith(manifest.collectedAt.replace(/[-:]/g, ""))).toBe(true);
    expect(manifest.collector).toEqual({ name: "kube-netdiag-collect", version: "0.1.0" });
    expect(manifest.cluster).toEqual({ context: "kubernetes-admin@lab", serverVersion: "v1.31.2" });
    expect(manifest.scope.namespaces).toBe("all");
    expect(manifest.redactions.join("\n")).toMatch(/secret data never collected/);
    expect(manifest.redactions.join("\n")).toMatch(/env values masked except HTTP_PROXY, HTTPS_PROXY, NO_PROXY/);
    expect(manifest.redactions.join("\n")).toMatch(/last-applied-configuration annotations removed: 1/);
    // The one failure in this cluster: a pod still in ContainerCreating has no log.
    expect(manifest.errors).toEqual([
      {
        step: "logs/ingress-nginx/ingress-nginx-controller-5d88495688-q4w7n/controller.log",
        message: 'Error from server (BadRequest): container "controller" in pod "ingress-nginx-controller-5d88495688-q4w7n" is waiting to start: ContainerCreating',
      },
    ]);
    expect(manifest.completeness).toMatchObject({ complete: false, interrupted: false, errors: 1 });
  });

  it("records in manifest.json which APIs discovery was asked about and which the cluster serves", () => {
    const optional = [
      "gateways.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io", "gatewayclasses.gateway.networking.k8s.io",
      "referencegrants.gateway.networking.k8s.io", "peerauthentications.security.istio.io", "virtualservices.networking.istio.io",
      "destinationrules.networking.istio.io", "ciliumnetworkpolicies.cilium.io", "globalnetworkpolicies.crd.projectcalico.org",
      "globalnetworkpolicies.projectcalico.org",
    ];
    const builtin = [
      "endpointslices.discovery.k8s.io", "networkpolicies.networking.k8s.io", "ingresses.networking.k8s.io",
      "ingressclasses.networking.k8s.io", "daemonsets.apps", "deployments.apps",
    ];
    expect(manifest.apis.checked).toEqual([...builtin, ...optional]);
    // Calico's CRD is served; Gateway API, Istio and Cilium are checked and not served: "not installed".
    expect(manifest.apis.served).toEqual([...builtin, "globalnetworkpolicies.crd.projectcalico.org"]);
  });

  it("saves every resource as kubectl's v1 List with all objects the cluster serves", () => {
    const expectations: Record<string, [string, number]> = {
      nodes: ["Node", 2],
      namespaces: ["Namespace", 6],
      pods: ["Pod", 11],
      services: ["Service", 5],
      endpoints: ["Endpoints", 5],
      endpointslices: ["EndpointSlice", 5],
      networkpolicies: ["NetworkPolicy", 2],
      ingresses: ["Ingress", 1],
      ingressclasses: ["IngressClass", 1],
      events: ["Event", 4],
      daemonsets: ["DaemonSet", 2],
      deployments: ["Deployment", 4],
      globalnetworkpolicies: ["GlobalNetworkPolicy", 1],
    };
    for (const [plural, [kind, count]] of Object.entries(expectations)) {
      const l = list(`resources/${plural}.json`);
      expect(l.kind, plural).toBe("List");
      expect(l.apiVersion, plural).toBe("v1");
      expect(l.items.length, plural).toBe(count);
      expect(new Set(l.items.map((i) => i.kind)), plural).toEqual(new Set([kind]));
    }
    // Same objects as the API served, names and all.
    const served = JSON.parse(recorded("objects", "pods.json")) as KList;
    expect(list("resources/pods.json").items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(
      served.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    // "events" means core v1 Events even though events.k8s.io is served too.
    expect(server.requests.some((r) => r.path === "/api/v1/events")).toBe(true);
  });

  it("keeps only the network config maps", () => {
    const names = list("resources/configmaps.json").items.map((c) => `${c.metadata.namespace}/${c.metadata.name}`);
    expect(names.sort()).toEqual(["kube-system/calico-config", "kube-system/coredns", "kube-system/kube-proxy", "kube-system/kubelet-config"]);
    const coredns = list("resources/configmaps.json").items.find((c) => c.metadata.name === "coredns");
    expect(coredns?.data?.Corefile).toContain("forward . /etc/resolv.conf");
    // Never listed: only named gets, so no other config map ever left the API server.
    expect(server.requests.filter((r) => r.path.endsWith("/configmaps"))).toEqual([]);
  });

  it("writes secrets.tsv with namespace, name and type only, from the server-side table", () => {
    expect(text("resources/secrets.tsv")).toBe(
      secretFixtures.map((s) => `${s.metadata.namespace}\t${s.metadata.name}\t${s.type}\n`).join(""),
    );
    const secretRequests = server.requests.filter((r) => r.path.endsWith("/secrets"));
    expect(secretRequests.length).toBe(1);
    expect(secretRequests[0]?.accept).toContain("as=Table");
  });

  it("never writes secret data, non-proxy env values, planted passwords or tokens: all bytes scanned", () => {
    for (const value of MUST_NOT_LEAK) {
      expect(tarBytes.includes(value), `${value} found in ${leaksIn(files, value).join(", ")}`).toBe(false);
    }
  });

  it("keeps proxy variables, masks other env values and keeps valueFrom references", () => {
    for (const workload of [list("resources/pods.json").items, list("resources/deployments.json").items]) {
      const web = workload.find((o) => o.metadata.name.startsWith("web"))!;
      const spec = web.kind === "Pod" ? web.spec : web.spec.template.spec;
      const env = spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
      const byName = Object.fromEntries(env.map((e) => [e.name, e]));
      for (const [name, value] of Object.entries(PROXY_VALUES_KEPT)) expect(byName[name]?.value, name).toBe(value);
      expect(byName.DB_PASSWORD?.value).toBe("<redacted>");
      expect(byName.DB_HOST?.value).toBe("<redacted>");
      expect(byName.STRIPE_API_KEY?.valueFrom).toEqual({ secretKeyRef: { name: "db-credentials", key: "stripe-key" } });
      expect(byName.POD_IP?.valueFrom).toEqual({ fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } });
      expect(spec.containers[0].args).toEqual(["--listen=:8080", "--session-secret=<redacted>"]);
    }
    const deployment = list("resources/deployments.json").items.find((d) => d.metadata.name === "web")!;
    expect(deployment.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"]).toBe("<redacted>");
    expect(deployment.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
  });

  it("collects current logs of every network component container and previous logs of restarted ones", () => {
    expect(text("logs/kube-system/coredns-7c65d6cfc9-tq7wd/coredns.previous.log")).toBe(
      recorded("logs", "kube-system", "coredns-7c65d6cfc9-tq7wd", "coredns.previous.log"),
    );
    expect(text("logs/kube-system/kube-proxy-4xq9z/kube-proxy.log")).toBe(recorded("logs", "kube-system", "kube-proxy-4xq9z", "kube-proxy.log"));
    expect(text("logs/kube-system/calico-node-7h2kd/install-cni.log")).toBe(recorded("logs", "kube-system", "calico-node-7h2kd", "install-cni.log"));
    expect(text("logs/kube-system/calico-node-7h2kd/mount-bpffs.log")).toBe("");
    // Not a network component: no logs asked for.
    expect(server.requests.some((r) => r.path.includes("calico-kube-controllers") && r.path.endsWith("/log"))).toBe(false);
    const logRequests = server.requests.filter((r) => r.path.endsWith("/log"));
    // 14 containers and one previous log, plus the pending pod that has none yet.
    expect(logRequests.length).toBe(15);
    for (const r of logRequests) {
      expect(r.query.get("sinceSeconds")).toBe("21600");
      expect(Number(r.query.get("limitBytes"))).toBeGreaterThan(0);
    }
  });

  it("masks bearer tokens and passwords in log lines and leaves every other line as kubectl printed it", () => {
    const got = text("logs/ingress-nginx/ingress-nginx-controller-5d88495688-vx8kq/controller.log").split("\n");
    const want = recorded("logs", "ingress-nginx", "ingress-nginx-controller-5d88495688-vx8kq", "controller.log").split("\n");
    expect(got.length).toBe(want.length);
    const changed = got.flatMap((line, i) => (line === want[i] ? [] : [line]));
    expect(changed).toEqual([
      expect.stringContaining('-H "Authorization: Bearer <redacted>" \'https://10.96.0.1:443/version\''),
      expect.stringContaining('"GET /login?user=alice&password=<redacted> HTTP/1.1" 302'),
    ]);
  });

  it.skipIf(!execWorks)(`collects node data by exec into host-network pods, byte for byte (${EXEC_SKIP_REASON})`, () => {
    for (const node of ["cp-1", "worker-1"]) {
      for (const [file, source] of [
        ["iptables-save.txt", "iptables-save.txt"],
        ["iptables-nft-save.txt", "iptables-nft-save.txt"],
        ["iptables-legacy-save.txt", "iptables-legacy-save.txt"],
        ["ip6tables-save.txt", "ip6tables-save.txt"],
        ["ip-addr.txt", "ip-addr.txt"],
        ["ip-route.txt", "ip-route.txt"],
        ["conntrack.txt", "conntrack.txt"],
        ["dmesg.txt", "dmesg.txt"],
      ]) {
        expect(text(`nodes/${node}/${file}`), `${node}/${file}`).toBe(recorded("nodes", node, "commands", source!));
      }
      // A host-network pod sees the kubelet's resolvConf, not the node's stub resolver.
      expect(text(`nodes/${node}/resolv.conf`)).toBe(recorded("nodes", node, "fs", "run", "systemd", "resolve", "resolv.conf"));
      expect(text(`nodes/${node}/cni/10-calico.conflist`)).toBe(recorded("nodes", node, "fs", "etc", "cni", "net.d", "10-calico.conflist"));
      // The CNI directory's credentials (Calico's kubeconfig with its token) are never copied.
      expect(files.has(`nodes/${node}/cni/calico-kubeconfig`)).toBe(false);
    }
    // Neither image has nft or ipvsadm: recorded as unavailable, with where it was looked for.
    expect(manifest.unavailable.map((u) => u.step).sort()).toEqual(
      ["nodes/cp-1/ipvsadm.txt", "nodes/cp-1/nft-ruleset.txt", "nodes/worker-1/ipvsadm.txt", "nodes/worker-1/nft-ruleset.txt"],
    );
    expect(manifest.unavailable.find((u) => u.step === "nodes/cp-1/nft-ruleset.txt")?.reason).toBe(
      "kube-system/kube-proxy-4xq9z: nft not in its image; kube-system/calico-node-7h2kd: nft not in its image",
    );
    // Exec only into the host-network pods of kube-proxy and the CNI agent.
    const execPods = new Set(server.requests.filter((r) => r.command).map((r) => r.path.split("/")[6]));
    expect([...execPods].sort()).toEqual(["calico-node-7h2kd", "calico-node-xp9fq", "kube-proxy-4xq9z", "kube-proxy-m2n7b"]);
  });

  it("prints one progress line per step and a summary with size, files and errors", () => {
    const lines = run.stderr.split("\n");
    const steps = lines.filter((l) => /^\[ ?\d+\/\d+\] /.test(l));
    expect(steps[0]).toBe("[ 1/25] resources: nodes");
    expect(steps).toContain("[17/25] logs: kube-system/coredns-7c65d6cfc9-tq7wd");
    expect(steps.at(-1)).toBe("[25/25] node: worker-1");
    expect(steps.length).toBe(25);
    expect(lines).toContainEqual(expect.stringMatching(/^collect\.sh: wrote snapshot\.tgz \(\d+\.\d KiB, \d+ files, 1 errors, \d+ unavailable\)$/));
    expect(run.stdout).toBe("");
  });

  it("records every step in collector.log and asks the API server nothing it does not serve", () => {
    const log = text("collector.log");
    expect(log).toMatch(/step 1\/25: resources: nodes/);
    expect(log).toMatch(/kubectl get nodes -A -o json -> exit 0/);
    expect(log).not.toContain("kubeconfig-token-not-for-snapshots");
    expect(server.unknown).toEqual([]);
  });
});
