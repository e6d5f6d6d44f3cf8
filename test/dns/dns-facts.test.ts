/**
 * DNS facts on the fixture scenarios and on variants of them built in memory:
 * what a diagnosis concludes about CoreDNS, the Corefile, the kubelet's DNS
 * settings and the clients, including the cases that must stay silent.
 */
import { describe, expect, it } from "vitest";
import { expandScenario } from "../../fixtures/lib/expand.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadScenario, SOURCES_DIR } from "../../fixtures/generate.js";
import type { Scenario } from "../../fixtures/lib/types.js";
import { buildModel } from "../../src/model/build.js";
import type { ClusterModel } from "../../src/model/model.js";
import { computeFacts } from "../../src/facts/index.js";
import { dnsFacts } from "../../src/facts/dns.js";
import { isClusterName } from "../../src/facts/dns/clients.js";

type Files = Map<string, string>;

const STUB = readFileSync(join(SOURCES_DIR, "dns/stub-resolv.conf"), "utf8");

async function modelOf(name: string, edit?: (s: Scenario) => void, editFiles?: (f: Files) => void): Promise<ClusterModel> {
  const scenario = await loadScenario(name);
  edit?.(scenario);
  const files = expandScenario(scenario);
  editFiles?.(files);
  return buildModel({ source: name, files: new Map([...files].map(([k, v]) => [k, Buffer.from(v)])), warnings: [] });
}

function facts(model: ClusterModel, kind = "Cluster", name = "cluster"): Record<string, unknown> {
  const s = computeFacts(model, [dnsFacts]).find((x) => x.kind === kind && x.subject.name === name);
  if (!s) throw new Error(`no ${kind} ${name}`);
  return s.values;
}

const withoutCorednsLogs = (s: Scenario) => {
  s.logs = (s.logs ?? []).filter((l) => !(l.namespace === "kube-system" && l.pod.startsWith("workload:coredns")));
};
const kubelet = (s: Scenario) => s.configmaps!.find((c) => c.name === "kubelet-config")!;
const corefile = (s: Scenario) => s.configmaps!.find((c) => c.name === "coredns")!;

describe("CoreDNS health", () => {
  it("the healthy cluster: kube-dns with 2 ready endpoints, 2 ready replicas on 3 nodes, nothing wrong", async () => {
    const v = facts(await modelOf("healthy"));
    expect(v).toMatchObject({
      "dns.service": { kind: "Service", namespace: "kube-system", name: "kube-dns" },
      "dns.serviceIPs": ["10.96.0.10"],
      "dns.serviceReadyEndpoints": 2,
      "dns.podCount": 2,
      "dns.readyPodCount": 2,
      "dns.desiredReplicas": 2,
      "dns.schedulableNodes": 3,
      "dns.unavailableReason": "",
      "dns.restartingPods": [],
      "dns.podSelector": "k8s-app=kube-dns",
      "dns.corednsVersion": "1.11.3",
      "dns.corefileProblems": [],
      "dns.corefileAdvice": [],
      "dns.forwardLoopPath": "",
      "dns.clusterDnsMismatches": [],
      "dns.clientsWithResolutionErrors": [],
    });
  });

  it("a Deployment scaled to zero is an outage even though no pod is left to be unready", async () => {
    const v = facts(await modelOf("healthy", (s) => {
      s.workloads!.find((w) => w.name === "coredns")!.replicas = 0;
      withoutCorednsLogs(s);
    }));
    expect(v["dns.podCount"]).toBe(0);
    expect(v["dns.serviceReadyEndpoints"]).toBe(0);
    expect(v["dns.unavailableReason"]).toMatch(/scaled to 0 replicas/);
    expect(v["dns.workloads"]).toEqual([{ kind: "Deployment", namespace: "kube-system", name: "coredns" }]);
  });

  it("a snapshot without kube-system pods says nothing about CoreDNS being down", async () => {
    const v = facts(await modelOf("healthy", (s) => {
      s.workloads = s.workloads!.filter((w) => w.namespace !== "kube-system");
      s.logs = (s.logs ?? []).filter((l) => l.namespace !== "kube-system");
    }));
    expect(v["dns.podCount"]).toBe(0);
    expect(v["dns.unavailableReason"]).toBe("");
  });

  it("the scenario where CoreDNS waits on the API server: why each pod is not ready, and the log signals", async () => {
    const v = facts(await modelOf("dns-coredns-unavailable"));
    expect(v["dns.unavailableReason"]).toBe("none of the 2 CoreDNS pods is ready");
    expect(v["dns.podProblems"]).toEqual([
      expect.objectContaining({ detail: "running, not ready, Readiness probe failed: HTTP probe failed with statuscode: 503" }),
      expect.objectContaining({ detail: "running, not ready, Readiness probe failed: HTTP probe failed with statuscode: 503" }),
    ]);
    expect((v["dns.errorSignals"] as { signal: string }[]).map((s) => s.signal)).toEqual(["coredns.k8s-api-unreachable", "coredns.k8s-api-not-synced"]);
    expect(v["dns.clientsWithResolutionErrors"]).toEqual([{ kind: "Deployment", namespace: "shop", name: "api" }]);
  });

  it("restarts count when recent: 7 restarts ending an hour ago are reported, 7 ending ten days ago are not", async () => {
    const restarted = (minutesAgo: number) => (files: Files) => {
      const pods = JSON.parse(files.get("resources/pods.json")!) as { items: { metadata: { name: string }; status: { containerStatuses: Record<string, unknown>[] } }[] };
      const coredns = pods.items.find((p) => p.metadata.name.startsWith("coredns-"))!;
      const finishedAt = new Date(Date.parse("2026-11-22T10:30:00Z") - minutesAgo * 60_000).toISOString();
      coredns.status.containerStatuses[0] = { ...coredns.status.containerStatuses[0], restartCount: 7, lastState: { terminated: { exitCode: 2, reason: "Error", finishedAt } } };
      files.set("resources/pods.json", JSON.stringify(pods));
    };
    expect(facts(await modelOf("healthy", undefined, restarted(60)))["dns.restartingPods"]).toEqual([expect.objectContaining({ detail: "7 restarts, last exit Error (code 2)" })]);
    expect(facts(await modelOf("healthy", undefined, restarted(60 * 24 * 10)))["dns.restartingPods"]).toEqual([]);
  });

  it("RKE2 naming: the rke2-coredns Service the kubelet points at, its pods and the ConfigMap they mount", async () => {
    const name = "rke2-coredns-rke2-coredns";
    const labels = { "app.kubernetes.io/instance": "rke2-coredns", "app.kubernetes.io/name": "rke2-coredns", "k8s-app": "kube-dns" };
    const v = facts(await modelOf("healthy", (s) => {
      const old = s.workloads!.find((w) => w.name === "coredns")!;
      s.workloads = [...s.workloads!.filter((w) => w !== old), { ...old, name, labels, podSpec: { volumes: [{ name: "config-volume", configMap: { name, items: [{ key: "Corefile", path: "Corefile" }] } }] } }];
      const svc = s.services!.find((x) => x.name === "kube-dns")!;
      s.services = [...s.services!.filter((x) => x !== svc), { ...svc, name, clusterIP: "10.43.0.10", selector: labels }];
      s.configmaps = s.configmaps!.map((c) => (c.name === "coredns" ? { ...c, name } : c));
      kubelet(s).data.kubelet = kubelet(s).data.kubelet!.replace("10.96.0.10", "10.43.0.10");
      withoutCorednsLogs(s);
    }));
    expect(v).toMatchObject({
      "dns.service": { kind: "Service", namespace: "kube-system", name },
      "dns.podCount": 2,
      "dns.unavailableReason": "",
      "dns.corefileFound": true,
      "dns.clusterDnsMismatches": [],
      "dns.podSelector": "app.kubernetes.io/instance=rke2-coredns,app.kubernetes.io/name=rke2-coredns,k8s-app=kube-dns",
    });
  });
});

describe("forwarding loops and upstreams", () => {
  it("the kubelet's /run/systemd/resolve/resolv.conf (as a host-network pod sees it) names the real upstream", async () => {
    const v = facts(await modelOf("healthy"));
    expect(v["dns.kubeletResolvConf"]).toBe("/run/systemd/resolve/resolv.conf");
    expect(v["dns.forwardLoopPath"]).toBe("");
    expect(v["dns.upstreamServers"]).toEqual(["10.0.0.2"]);
  });

  it("the node's own stub /etc/resolv.conf (collected with --node-debug) is harmless while the kubelet hands CoreDNS another file", async () => {
    const v = facts(await modelOf("healthy", (s) => {
      for (const node of ["cp-1", "node-1", "node-2"]) s.nodeFiles![node] = { "resolv.conf": STUB };
    }));
    expect(v["dns.forwardLoopPath"]).toBe("");
    expect(v["dns.upstreamServers"]).toEqual([]);
  });

  it("with the kubelet default resolvConf the same nodes make a loop, named node by node", async () => {
    const v = facts(await modelOf("dns-forward-loop"));
    expect(v["dns.kubeletResolvConf"]).toBe("/etc/resolv.conf");
    expect(v["dns.forwardLoopPath"]).toBe("forward . /etc/resolv.conf (Corefile line 13) → kubelet resolvConf /etc/resolv.conf → nameserver 127.0.0.53 on node-1, node-2");
    expect(v["dns.loopDetectedInLogs"]).toBe(2);
  });

  it("CoreDNS pods with dnsPolicy ClusterFirst forward to kube-dns itself", async () => {
    const v = facts(await modelOf("healthy", (s) => {
      s.workloads!.find((w) => w.name === "coredns")!.dnsPolicy = "ClusterFirst";
    }));
    expect(v["dns.forwardLoopPath"]).toMatch(/dnsPolicy ClusterFirst: their resolv.conf names cluster DNS \(10\.96\.0\.10\) itself/);
  });

  it("a loopback or kube-dns address in forward is a loop; a real resolver is an upstream", async () => {
    const forwardTo = (target: string) => (s: Scenario) => {
      corefile(s).data.Corefile = corefile(s).data.Corefile!.replace("forward . /etc/resolv.conf", `forward . ${target}`);
    };
    expect(facts(await modelOf("healthy", forwardTo("127.0.0.53")))["dns.forwardLoopPath"]).toMatch(/^forward \. 127\.0\.0\.53 \(Corefile line 13\) sends queries to the CoreDNS pod itself/);
    expect(facts(await modelOf("healthy", forwardTo("10.96.0.10")))["dns.forwardLoopPath"]).toMatch(/is cluster DNS itself/);
    const v = facts(await modelOf("healthy", forwardTo("10.0.0.2 tls://1.1.1.1")));
    expect(v["dns.forwardLoopPath"]).toBe("");
    expect(v["dns.upstreamServers"]).toEqual(["10.0.0.2", "1.1.1.1:853"]);
  });

  it("node resolv.conf nameservers are the upstreams when the kubelet hands CoreDNS /etc/resolv.conf", async () => {
    const v = facts(await modelOf("dns-forward-loop", (s) => {
      for (const node of ["cp-1", "node-1", "node-2"]) s.nodeFiles![node] = { "resolv.conf": "search eu-west-1.compute.internal\nnameserver 10.0.0.2\n" };
    }));
    expect(v["dns.forwardLoopPath"]).toBe("");
    expect(v["dns.upstreamServers"]).toEqual(["10.0.0.2"]);
  });

  it("without the kubelet configuration nothing is inferred about loops, and the cluster domain defaults", async () => {
    const v = facts(await modelOf("dns-forward-loop", (s) => {
      s.configmaps = s.configmaps!.filter((c) => c.name !== "kubelet-config");
    }));
    expect(v["dns.forwardLoopPath"]).toBe("");
    expect(v["dns.kubeletResolvConf"]).toBe("");
    expect(v["dns.clusterDomain"]).toBe("cluster.local");
    expect(v["dns.loopDetectedInLogs"]).toBe(2);
  });

  it("upstream failures: count, failing addresses and the clients failing external names", async () => {
    const v = facts(await modelOf("dns-upstream-failing"));
    expect(v["dns.upstreamErrors"]).toBe(6);
    expect(v["dns.failingUpstreams"]).toEqual(["10.0.0.2:53"]);
    expect(v["dns.clientsFailingExternalNames"]).toEqual([{ kind: "Deployment", namespace: "payments", name: "payments-api" }]);
    expect(v["dns.clientsFailingClusterNames"]).toEqual([]);
  });
});

describe("Corefile", () => {
  it("a removed option is cited with its line and CoreDNS's own complaint counted", async () => {
    const v = facts(await modelOf("dns-corefile-invalid"));
    expect(v["dns.corefileProblems"]).toEqual([{ line: 6, text: "'upstream' in plugin 'kubernetes' was removed in CoreDNS 1.7.0: CoreDNS 1.7.0+ fails with \"unknown property 'upstream'\"" }]);
    expect(v["dns.corefileErrorsInLogs"]).toBe(2);
  });

  it("a kubernetes zone other than the kubelet's cluster domain", async () => {
    const v = facts(await modelOf("dns-corefile-zone-mismatch"));
    expect(v["dns.corefileProblems"]).toEqual([{ line: 7, text: expect.stringContaining("the kubernetes plugin serves k8s.example.internal. in-addr.arpa. ip6.arpa. but the cluster domain is cluster.local") }]);
    expect(v["dns.clientsFailingClusterNames"]).toEqual([{ kind: "Deployment", namespace: "shop", name: "api" }]);
  });

  it("a custom cluster domain served by the Corefile is fine", async () => {
    const v = facts(await modelOf("dns-corefile-zone-mismatch", (s) => {
      kubelet(s).data.kubelet = kubelet(s).data.kubelet!.replace("clusterDomain: cluster.local", "clusterDomain: k8s.example.internal");
    }));
    expect(v["dns.clusterDomain"]).toBe("k8s.example.internal");
    expect(v["dns.corefileProblems"]).toEqual([]);
  });

  it("server blocks that may come from imported files are not claimed missing (k3s/AKS custom imports)", async () => {
    const v = facts(await modelOf("healthy", (s) => {
      corefile(s).data.Corefile = "import /etc/coredns/custom/*.server\n";
    }));
    expect(v["dns.corefileProblems"]).toEqual([]);
  });

  it("advice on a trimmed Corefile, each item with its line", async () => {
    const v = facts(await modelOf("dns-corefile-suboptimal"));
    expect((v["dns.corefileAdvice"] as { line: number; text: string }[]).map((a) => [a.line, a.text.split(":")[0]])).toEqual([
      [1, "no cache plugin"], [1, "no loop plugin"], [1, "no ready plugin"], [3, "health without lameduck"], [10, "forward max_concurrent 50"],
    ]);
    expect(v["dns.forwardMaxConcurrent"]).toBe(50);
  });
});

describe("clusterDNS and pod nameservers", () => {
  it("a wrong clusterDNS seen in the kubelet configuration, a pod resolv.conf probe and a Go client's error", async () => {
    const v = facts(await modelOf("dns-clusterdns-mismatch"));
    expect(v["dns.clusterDnsMismatches"]).toEqual([
      { source: "the kubelet's clusterDNS (ConfigMap kube-system/kubelet-config)", nameserver: "10.100.0.10" },
      { source: "probes/resolv-conf-shop-api.txt", nameserver: "10.100.0.10" },
      { source: "logs of Deployment shop/api", nameserver: "10.100.0.10" },
    ]);
  });

  it("NodeLocal DNSCache's link-local address is a legitimate clusterDNS", async () => {
    const v = facts(await modelOf("healthy-edge-cases"));
    expect(v["dns.kubeletClusterDNS"]).toEqual(["169.254.20.10"]);
    expect(v["dns.clusterDnsMismatches"]).toEqual([]);
  });

  it("hostNetwork pods using the node resolver do not reveal the kubelet's clusterDNS", async () => {
    const v = facts(await modelOf("healthy", (s) => {
      s.logs!.push({ namespace: "monitoring", pod: "workload:node-exporter", container: "node-exporter", text: 'ts=2026-11-22T10:20:01.000Z level=error msg="lookup metrics.corp.example on 10.0.0.2:53: no such host"\n' });
    }));
    expect(v["dns.clusterDnsMismatches"]).toEqual([]);
    expect(v["dns.clientsWithResolutionErrors"]).toEqual([{ kind: "DaemonSet", namespace: "monitoring", name: "node-exporter" }]);
  });
});

describe("workload DNS facts", () => {
  it("ndots: kubelet default 5, a dnsConfig override, none for dnsPolicy None", async () => {
    const model = await modelOf("healthy-edge-cases");
    expect(facts(model, "Workload", "echo")).toMatchObject({ "dns.usesClusterDns": true, "dns.ndots": 5 });
    expect(facts(model, "Workload", "webhook-sender")).toMatchObject({ "dns.usesClusterDns": true, "dns.ndots": 2 });
    expect(facts(model, "Workload", "resolver-test")).toMatchObject({ "dns.usesClusterDns": false, "dns.ndots": -1 });
  });

  it("search expansion measured from CoreDNS query logs, attributed by pod IP", async () => {
    const model = await modelOf("dns-ndots-latency");
    expect(facts(model, "Workload", "payments-api")["dns.externalSearchExpansion"]).toEqual({ queries: 6, names: ["api.stripe.com."] });
    expect(facts(model, "Workload", "api")["dns.externalSearchExpansion"]).toEqual({ queries: 0, names: [] });
  });

  it("client failures per workload: kinds and names", async () => {
    expect(facts(await modelOf("dns-coredns-unavailable"), "Workload", "api")).toMatchObject({
      "dns.resolutionFailureLines": 2,
      "dns.resolutionFailureKinds": ["unreachable"],
      "dns.failedNames": ["payments.payments.svc.cluster.local"],
    });
  });

  it("what counts as a cluster name", () => {
    const namespaces = new Set(["default", "payments"]);
    expect(isClusterName("payments.payments.svc.cluster.local", "cluster.local", namespaces)).toBe(true);
    expect(isClusterName("payments.payments", "cluster.local", namespaces)).toBe(true);
    expect(isClusterName("web", "cluster.local", namespaces)).toBe(true);
    expect(isClusterName("kafka-1.kafka.default.svc", "cluster.local", namespaces)).toBe(true);
    expect(isClusterName("api.stripe.com", "cluster.local", namespaces)).toBe(false);
    expect(isClusterName("example.com.", "cluster.local", namespaces)).toBe(false);
    expect(isClusterName("10.0.0.2", "cluster.local", namespaces)).toBeUndefined();
  });
});

describe("NetworkPolicy paths to CoreDNS", () => {
  it("an egress default-deny without a DNS rule: the namespace's isolated pods, their workloads and the policies", async () => {
    const model = await modelOf("dns-egress-blocked-by-policy");
    expect(facts(model, "Namespace", "shop")).toMatchObject({
      "dns.egressBlockedProtocols": ["UDP", "TCP"],
      "dns.egressBlockedPods": 5,
      "dns.egressBlockedWorkloads": [
        { kind: "Deployment", namespace: "shop", name: "web" },
        { kind: "Deployment", namespace: "shop", name: "api" },
        { kind: "StatefulSet", namespace: "shop", name: "postgres" },
      ],
      "dns.egressPoliciesWithoutDns": ["shop/default-deny-egress", "shop/api-egress"],
      "dns.clientsFailing": [{ kind: "Deployment", namespace: "shop", name: "api" }],
    });
    expect(facts(model, "Namespace", "payments")["dns.egressBlockedProtocols"]).toEqual([]);
    expect(facts(model)["dns.ingressBlockedPods"]).toBe(0);
  });

  it("a UDP-only DNS allow leaves TCP blocked", async () => {
    expect(facts(await modelOf("dns-egress-udp-only"), "Namespace", "shop")["dns.egressBlockedProtocols"]).toEqual(["TCP"]);
  });

  it("CoreDNS isolated by kube-system policies: every other namespace's pod-network pods, never host-network ones", async () => {
    const v = facts(await modelOf("dns-coredns-ingress-blocked"));
    expect(v["dns.ingressBlockedProtocols"]).toEqual(["UDP", "TCP"]);
    expect([...(v["dns.ingressBlockedNamespaces"] as string[])].sort()).toEqual(["ingress-nginx", "payments", "shop"]);
    expect(v["dns.dnsIngressPolicies"]).toEqual(["kube-system/default-deny-ingress", "kube-system/allow-same-namespace"]);
    expect(v["dns.ingressBlockedWorkloads"]).not.toContainEqual(expect.objectContaining({ name: "node-exporter" }));
  });

  it("correct DNS allows leave nothing blocked", async () => {
    const model = await modelOf("dns-policies-allow-dns");
    expect(facts(model, "Namespace", "shop")["dns.egressBlockedProtocols"]).toEqual([]);
    expect(facts(model)["dns.ingressBlockedProtocols"]).toEqual([]);
  });

  it("not evaluated, and said so, under Flannel alone (policies not enforced) or NodeLocal DNSCache", async () => {
    const flannel = await modelOf("dns-egress-blocked-by-policy", (s) => {
      s.workloads = s.workloads!.filter((w) => w.name !== "calico-node");
      s.workloads.push({ kind: "DaemonSet", namespace: "kube-flannel", name: "kube-flannel-ds", labels: { app: "flannel", tier: "node" }, hostNetwork: true, containers: [{ name: "kube-flannel", image: "docker.io/flannel/flannel:v0.25.7" }] });
    });
    expect(facts(flannel, "Namespace", "shop")["dns.egressBlockedProtocols"]).toEqual([]);
    expect(dnsFacts.notes!(flannel)).toContainEqual(expect.stringContaining("Flannel alone"));
    expect(dnsFacts.notes!(await modelOf("healthy-edge-cases"))).toContainEqual(expect.stringContaining("NodeLocal DNSCache"));
  });
});
