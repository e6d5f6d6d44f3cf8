/**
 * Large synthetic snapshots for the benchmarks, seeded and cached.
 *
 * A cluster of realistic proportions is described as a fixture scenario (the
 * healthy base: kubeadm, Calico, CoreDNS, ingress-nginx, plus team namespaces
 * of Deployments and StatefulSets behind Services, NetworkPolicies and
 * Ingresses, with ~1 % of apps in trouble the way large clusters always are)
 * and expanded by the fixture generator, so every object has the shape
 * `kubectl get -o json` prints. Then, per node, what the collector gathers:
 * `iptables-save -c` exactly as kube-proxy (iptables mode, 1.28+) programs it
 * for those Services and EndpointSlices (chain names are kube-proxy's own
 * sha256/base32 hashes), `ip route` as Calico/BIRD leaves it, resolv.conf and
 * the CNI config; and the component logs (kube-proxy, CoreDNS, ingress-nginx
 * access and upstream-error lines for real backends).
 *
 *   node --import tsx bench/generate.ts S|M|L [seed]
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { loadScenario } from "../fixtures/generate.js";
import { expandScenario } from "../fixtures/lib/expand.js";
import type { ContainerDesc, NodeDesc, PodState, Scenario, ServiceDesc, WorkloadDesc } from "../fixtures/lib/types.js";

export type SizeName = "S" | "M" | "L";

export interface Size {
  pods: number;
  services: number;
  policies: number;
  nodes: number;
}

export const SIZES: Record<SizeName, Size> = {
  S: { pods: 2_000, services: 500, policies: 100, nodes: 10 },
  M: { pods: 20_000, services: 5_000, policies: 1_000, nodes: 50 },
  L: { pods: 50_000, services: 10_000, policies: 2_000, nodes: 100 },
};

/** Bumped whenever the output changes, so cached snapshots are regenerated. */
export const GENERATOR_VERSION = 4;

export const BENCH_OUT = join(dirname(fileURLToPath(import.meta.url)), "out");

export interface GeneratedSnapshot {
  path: string;
  size: SizeName;
  seed: number;
  compressedBytes: number;
  unpackedBytes: number;
  files: number;
  counts: { pods: number; services: number; policies: number; nodes: number; iptablesLines: number; logLines: number };
}

// ---------------------------------------------------------------- randomness

/** mulberry32. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------- the cluster

const CLUSTER_CIDR = "10.244.0.0/14";
const TEAMS = ["checkout", "catalog", "search", "payments", "identity", "orders", "billing", "media", "notify", "analytics", "inventory", "shipping", "pricing", "reviews", "ads", "fraud", "ledger", "support"];
const ROLES = ["api", "web", "frontend", "gateway", "cache", "indexer", "scheduler", "auth", "events", "reports", "export", "import", "sync", "render", "feed", "graph"];
const ENVS = ["prod", "staging", "canary"];

/** Node i's pod CIDR: /22 blocks of 10.244.0.0/14, room for a few hundred pods per node. */
function nodeCidr(i: number): string {
  const block = i * 4;
  return `10.${244 + Math.floor(block / 256)}.${block % 256}.0/22`;
}

function nodeIp(i: number): string {
  return `10.0.${Math.floor(i / 250)}.${(i % 250) + 10}`;
}

function nodeName(i: number): string {
  return i === 0 ? "k8s-cp-1" : `k8s-worker-${String(i).padStart(3, "0")}`;
}

/** Replica counts summing exactly to `total`, spread like real Deployments (many small, a few large). */
function replicaCounts(rng: Rng, apps: number, total: number): number[] {
  const weights = Array.from({ length: apps }, () => {
    const r = rng.float();
    return r < 0.35 ? 1 : r < 0.65 ? 2 + rng.float() : r < 0.9 ? 4 + 3 * rng.float() : 8 + 12 * rng.float();
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * total)));
  let diff = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % apps) {
    if (diff > 0) {
      counts[i]!++;
      diff--;
    } else if (counts[i]! > 1) {
      counts[i]!--;
      diff++;
    }
  }
  return counts;
}

interface App {
  ns: string;
  name: string;
  kind: "Deployment" | "StatefulSet";
  replicas: number;
  hasMetrics: boolean;
  /** Selected by a Service of its own name. */
  served: boolean;
}

const SERVED_SHARE = 0.3;

function appContainers(rng: Rng, app: App): ContainerDesc[] {
  const ports = [{ name: "http", containerPort: 8080 }, ...(app.hasMetrics ? [{ name: "metrics", containerPort: 9090 }] : [])];
  const env: Record<string, string> = rng.chance(0.5) ? { UPSTREAM_URL: `http://${app.name.replace(/-\w+$/, "")}-api.${app.ns}.svc.cluster.local` } : {};
  const container: ContainerDesc = {
    name: app.name.split("-").pop()!,
    image: `registry.example.com/${app.ns.split("-")[0]}/${app.name}:${1 + rng.int(9)}.${rng.int(30)}.${rng.int(10)}`,
    ports,
    preStop: rng.chance(0.7),
    ...(Object.keys(env).length ? { env } : {}),
  };
  if (app.kind === "StatefulSet") return [{ ...container, ports: [{ name: "db", containerPort: 5432 }, ...ports.slice(1)] }];
  return [container];
}

/** The state of an app's pods: mostly healthy, ~1 % in one of the usual troubles. */
function appState(rng: Rng): PodState | PodState[] {
  const r = rng.float();
  if (r < 0.004) return ["crashloop", "running"];
  if (r < 0.007) return ["running", "notready"];
  if (r < 0.009) return "pending";
  if (r < 0.011) return ["running", "oomkilled"];
  if (r < 0.013) return ["running", "running", "evicted"];
  return "running";
}

function buildScenario(base: Scenario, size: Size, rng: Rng): { scenario: Scenario; apps: App[] } {
  const nodes: NodeDesc[] = Array.from({ length: size.nodes }, (_, i) => ({
    name: nodeName(i),
    role: i === 0 ? "control-plane" : "worker",
    ip: nodeIp(i),
    podCIDR: nodeCidr(i),
    labels: { "topology.kubernetes.io/zone": `eu-west-1${"abc"[i % 3]}` },
  }));
  const workers = nodes.filter((n) => n.role === "worker").map((n) => n.name);
  const baseWorkloads = (base.workloads ?? []).map((w) => ({ ...w }));
  // DaemonSets run one pod per node; everything else its replicas.
  const basePods = baseWorkloads.reduce((n, w) => n + (w.kind === "DaemonSet" ? size.nodes : (w.replicas ?? 1)), 0);
  const baseServices = (base.services ?? []).length;

  // Services: one per app, two for a StatefulSet (headless for identity, ClusterIP for clients).
  const nsCount = Math.max(3, Math.round(size.services / 20));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `${TEAMS[i % TEAMS.length]}-${ENVS[Math.floor(i / TEAMS.length) % ENVS.length]}${i >= TEAMS.length * ENVS.length ? `-${Math.floor(i / (TEAMS.length * ENVS.length))}` : ""}`);
  const apps: App[] = [];
  let services = baseServices;
  for (let i = 0; services < size.services; i++) {
    const ns = namespaces[i % nsCount]!;
    const kind = rng.chance(0.06) && services + 2 <= size.services ? "StatefulSet" : "Deployment";
    const role = ROLES[Math.floor(i / nsCount) % ROLES.length]!;
    const round = Math.floor(i / (nsCount * ROLES.length));
    apps.push({ ns, name: `${ns.split("-")[0]}-${role}${round ? `-${round + 1}` : ""}`, kind, replicas: 1, hasMetrics: rng.chance(0.4), served: true });
    services += kind === "StatefulSet" ? 2 : 1;
  }
  // Most pods in a large cluster back no Service (queue workers, consumers, batch): about 30 % do,
  // which gives kube-proxy ~100k rules per node at 10,000 Services.
  const appPods = Math.max(apps.length, size.pods - basePods);
  const servedPods = Math.max(apps.length, Math.round(appPods * SERVED_SHARE));
  const counts = replicaCounts(rng, apps.length, servedPods);
  apps.forEach((a, i) => (a.replicas = a.kind === "StatefulSet" ? Math.min(counts[i]!, 5) : counts[i]!));
  // StatefulSets are capped at 5 replicas: their extra pods go to Deployments, one each, so the total stays exact.
  let carry = counts.reduce((n, c, i) => n + c - apps[i]!.replicas, 0);
  const deployments = apps.filter((a) => a.kind === "Deployment");
  for (let i = 0; carry > 0; i++, carry--) deployments[i % deployments.length]!.replicas++;
  const workerCount = Math.max(1, Math.round(apps.length * 0.3));
  const workerReplicas = replicaCounts(rng, workerCount, Math.max(workerCount, appPods - servedPods));
  const workerApps: App[] = workerReplicas.map((replicas, i) => {
    const served = apps[i % apps.length]!;
    return { ns: served.ns, name: `${served.name}-consumer`, kind: "Deployment", replicas, hasMetrics: rng.chance(0.4), served: false };
  });

  const workloads: WorkloadDesc[] = [...baseWorkloads];
  const serviceDescs: ServiceDesc[] = [...(base.services ?? [])];
  let nodePort = 30100;
  for (const app of [...apps, ...workerApps]) {
    const labels = { app: app.name, "app.kubernetes.io/name": app.name, "app.kubernetes.io/part-of": app.ns };
    workloads.push({ kind: app.kind, namespace: app.ns, name: app.name, replicas: app.replicas, labels, containers: appContainers(rng, app), state: appState(rng), nodes: workers });
    if (!app.served) continue;
    const typo = rng.chance(0.002);
    const r = rng.float();
    const type: ServiceDesc["type"] = r < 0.03 ? "LoadBalancer" : r < 0.08 ? "NodePort" : "ClusterIP";
    const external = type !== "ClusterIP";
    const ports = [
      { name: "http", port: 80, targetPort: app.kind === "StatefulSet" ? "db" : "http", ...(external ? { nodePort: nodePort++ } : {}) },
      ...(app.hasMetrics && rng.chance(0.5) ? [{ name: "metrics", port: 9090, targetPort: "metrics", ...(external ? { nodePort: nodePort++ } : {}) }] : []),
    ];
    serviceDescs.push({
      namespace: app.ns,
      name: app.name,
      type,
      selector: { app: typo ? `${app.name}-v2` : app.name },
      ports,
      ...(type === "LoadBalancer" ? { loadBalancer: rng.chance(0.9) ? `203.0.113.${1 + rng.int(250)}` : "pending" } : {}),
      ...(external && rng.chance(0.1) ? { externalTrafficPolicy: "Local" as const } : {}),
      ...(rng.chance(0.02) ? { sessionAffinity: "ClientIP" as const } : {}),
      labels: { "app.kubernetes.io/name": app.name },
    });
    if (app.kind === "StatefulSet") serviceDescs.push({ namespace: app.ns, name: `${app.name}-headless`, headless: true, selector: { app: app.name }, ports: [{ name: "db", port: 5432, targetPort: 5432 }] });
  }

  const policyKinds = [
    (ns: string) => ({ namespace: ns, name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } }),
    (ns: string) => ({ namespace: ns, name: "allow-same-namespace", spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] } }),
    (ns: string) => ({
      namespace: ns,
      name: "allow-ingress-nginx",
      spec: { podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "Exists" }] }, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }], ports: [{ protocol: "TCP", port: 8080 }] }] },
    }),
    (ns: string) => ({
      namespace: ns,
      name: "allow-prometheus-scrape",
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }], ports: [{ protocol: "TCP", port: "metrics" }] }] },
    }),
  ];
  const networkpolicies = [...(base.networkpolicies ?? [])];
  for (let i = 0; networkpolicies.length < size.policies; i++) networkpolicies.push(policyKinds[Math.floor(i / nsCount) % policyKinds.length]!(namespaces[i % nsCount]!));
  for (let i = policyKinds.length * nsCount; networkpolicies.length < size.policies; i++) {
    const app = apps[i % apps.length]!;
    networkpolicies.push({ namespace: app.ns, name: `allow-to-${app.name}`, spec: { podSelector: { matchLabels: { app: app.name } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": app.ns } } }], ports: [{ protocol: "TCP", port: 8080 }] }] } });
  }

  const ingresses = [...(base.ingresses ?? [])];
  for (const ns of namespaces) {
    const app = apps.find((a) => a.ns === ns && a.kind === "Deployment");
    if (!app) continue;
    ingresses.push({ namespace: ns, name: app.name, spec: { ingressClassName: "nginx", rules: [{ host: `${app.name}.${ns}.example.com`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: app.name, port: { name: "http" } } } }] } }] } });
  }

  const configmaps = (base.configmaps ?? []).map((c) =>
    c.name === "kube-proxy" ? { ...c, data: { ...c.data, "config.conf": c.data["config.conf"]!.replace("clusterCIDR: 10.244.0.0/16", `clusterCIDR: ${CLUSTER_CIDR}`) } } : c,
  );

  const scenario: Scenario = {
    ...base,
    name: "bench",
    description: `synthetic ${size.pods} pods / ${size.services} services / ${size.policies} policies / ${size.nodes} nodes`,
    nodes,
    namespaces: [...(base.namespaces ?? []), ...namespaces.map((name) => ({ name, labels: { team: name.split("-")[0]! } }))],
    workloads,
    services: serviceDescs,
    networkpolicies,
    ingresses,
    configmaps,
    logs: [],
  };
  return { scenario, apps };
}

// ---------------------------------------------------------------- kube-proxy iptables

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** kube-proxy's portProtoHash: base32(sha256(input))[:16]. */
function kubeProxyHash(input: string): string {
  const bytes = createHash("sha256").update(input).digest();
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 16) break;
  }
  return out;
}

/**
 * kube-proxy writes `%0.10f` of 1/n; the kernel keeps it as a 31-bit fraction
 * and iptables-save prints that back with 11 decimals (1/3 → 0.33333333349).
 */
function savedProbability(n: number): string {
  const written = Number((1 / n).toFixed(10));
  return (Math.ceil(written * 0x80000000) / 0x80000000).toFixed(11);
}

interface K8sPort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

interface K8sService {
  metadata: { namespace: string; name: string };
  spec: { type?: string; clusterIP?: string; ports?: K8sPort[]; externalTrafficPolicy?: string; sessionAffinity?: string; selector?: Record<string, string> };
  status: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

interface K8sSlice {
  metadata: { namespace: string; labels: Record<string, string> };
  addressType: string;
  endpoints: { addresses: string[]; conditions?: { ready?: boolean }; nodeName?: string }[] | null;
  ports: { name?: string; port: number; protocol?: string }[] | null;
}

interface ServicePortRules {
  spn: string;
  proto: string;
  clusterIP: string;
  port: number;
  nodePort?: number;
  lbIPs: string[];
  local: boolean;
  affinity: boolean;
  /** ip:port of ready endpoints, and the node each runs on. */
  endpoints: { target: string; node: string | undefined }[];
}

function servicePortRules(services: K8sService[], slices: K8sSlice[]): ServicePortRules[] {
  const byService = new Map<string, K8sSlice[]>();
  for (const s of slices) {
    if (s.addressType !== "IPv4") continue;
    const key = `${s.metadata.namespace}/${s.metadata.labels["kubernetes.io/service-name"]}`;
    const list = byService.get(key);
    if (list) list.push(s);
    else byService.set(key, [s]);
  }
  const out: ServicePortRules[] = [];
  for (const svc of services) {
    const ip = svc.spec.clusterIP;
    if (!ip || ip === "None" || svc.spec.type === "ExternalName") continue;
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    for (const p of svc.spec.ports ?? []) {
      const proto = (p.protocol ?? "TCP").toLowerCase();
      const endpoints: ServicePortRules["endpoints"] = [];
      for (const slice of byService.get(key) ?? []) {
        const sp = (slice.ports ?? []).find((x) => (x.name ?? "") === (p.name ?? ""));
        if (!sp) continue;
        for (const e of slice.endpoints ?? []) if (e.conditions?.ready !== false) endpoints.push({ target: `${e.addresses[0]}:${sp.port}`, node: e.nodeName });
      }
      endpoints.sort((a, b) => (a.target < b.target ? -1 : 1));
      out.push({
        spn: p.name ? `${key}:${p.name}` : key,
        proto,
        clusterIP: ip,
        port: p.port,
        ...(p.nodePort ? { nodePort: p.nodePort } : {}),
        lbIPs: (svc.status.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((x): x is string => !!x),
        local: svc.spec.externalTrafficPolicy === "Local",
        affinity: svc.spec.sessionAffinity === "ClientIP",
        endpoints,
      });
    }
  }
  return out;
}

/** One node's `iptables-save -c`: the mangle, filter and nat tables kube-proxy programs, as iptables-save prints them. */
function iptablesSave(node: string, rules: ServicePortRules[], rng: Rng, stamp: string): string {
  const counters = () => (rng.chance(0.1) ? `[${rng.int(5000)}:${rng.int(5000) * 60}]` : "[0:0]");
  const rule = (line: string) => `${counters()} ${line}`;
  const filter: Map<string, string[]> = new Map([["KUBE-EXTERNAL-SERVICES", []], ["KUBE-FIREWALL", []], ["KUBE-FORWARD", []], ["KUBE-KUBELET-CANARY", []], ["KUBE-NODEPORTS", []], ["KUBE-PROXY-CANARY", []], ["KUBE-PROXY-FIREWALL", []], ["KUBE-SERVICES", []]]);
  const nat: Map<string, string[]> = new Map([["KUBE-KUBELET-CANARY", []], ["KUBE-MARK-MASQ", []], ["KUBE-NODEPORTS", []], ["KUBE-POSTROUTING", []], ["KUBE-PROXY-CANARY", []], ["KUBE-SERVICES", []]]);
  const add = (table: Map<string, string[]>, chain: string, line: string) => {
    let list = table.get(chain);
    if (!list) table.set(chain, (list = []));
    list.push(rule(`-A ${chain} ${line}`));
  };
  const m = (proto: string) => `-p ${proto} -m comment --comment`;
  for (const r of rules) {
    const svcChain = `KUBE-SVC-${kubeProxyHash(r.spn + r.proto)}`;
    const extChain = `KUBE-EXT-${kubeProxyHash(r.spn + r.proto)}`;
    if (r.endpoints.length === 0) {
      add(filter, "KUBE-SERVICES", `-d ${r.clusterIP}/32 ${m(r.proto)} "${r.spn} has no endpoints" -m ${r.proto} --dport ${r.port} -j REJECT --reject-with icmp-port-unreachable`);
      if (r.nodePort) add(filter, "KUBE-EXTERNAL-SERVICES", `${m(r.proto)} "${r.spn} has no endpoints" -m addrtype --dst-type LOCAL -m ${r.proto} --dport ${r.nodePort} -j REJECT --reject-with icmp-port-unreachable`);
      continue;
    }
    add(nat, "KUBE-SERVICES", `-d ${r.clusterIP}/32 ${m(r.proto)} "${r.spn} cluster IP" -m ${r.proto} --dport ${r.port} -j ${svcChain}`);
    add(nat, svcChain, `! -s ${CLUSTER_CIDR} -d ${r.clusterIP}/32 ${m(r.proto)} "${r.spn} cluster IP" -m ${r.proto} --dport ${r.port} -j KUBE-MARK-MASQ`);
    const seps = r.endpoints.map((e) => ({ ...e, chain: `KUBE-SEP-${kubeProxyHash(r.spn + r.proto + e.target)}` }));
    seps.forEach((e, i) => {
      const last = i === seps.length - 1;
      if (r.affinity) add(nat, svcChain, `-m comment --comment "${r.spn} -> ${e.target}" -m recent --rcheck --seconds 10800 --reap --name ${e.chain} --mask 255.255.255.255 --rsource -j ${e.chain}`);
      add(nat, svcChain, `-m comment --comment "${r.spn} -> ${e.target}"${last ? "" : ` -m statistic --mode random --probability ${savedProbability(seps.length - i)}`} -j ${e.chain}`);
      const ip = e.target.slice(0, e.target.lastIndexOf(":"));
      add(nat, e.chain, `-s ${ip}/32 -m comment --comment ${r.spn.includes(" ") ? `"${r.spn}"` : r.spn} -j KUBE-MARK-MASQ`);
      add(nat, e.chain, `${m(r.proto)} ${r.spn}${r.affinity ? ` -m recent --set --name ${e.chain} --mask 255.255.255.255 --rsource` : ""} -m ${r.proto} -j DNAT --to-destination ${e.target}`);
    });
    if (!r.nodePort && r.lbIPs.length === 0) continue;
    for (const lb of r.lbIPs) add(nat, "KUBE-SERVICES", `-d ${lb}/32 ${m(r.proto)} "${r.spn} loadbalancer IP" -m ${r.proto} --dport ${r.port} -j ${extChain}`);
    if (r.nodePort) add(nat, "KUBE-NODEPORTS", `${m(r.proto)} ${r.spn} -m ${r.proto} --dport ${r.nodePort} -j ${extChain}`);
    if (!r.local) {
      add(nat, extChain, `-m comment --comment "masquerade traffic for ${r.spn} external destinations" -j KUBE-MARK-MASQ`);
      add(nat, extChain, `-j ${svcChain}`);
      continue;
    }
    // externalTrafficPolicy: Local — only this node's endpoints take external traffic.
    const localChain = `KUBE-SVL-${kubeProxyHash(r.spn + r.proto)}`;
    const local = seps.filter((e) => e.node === node);
    add(nat, extChain, `-s ${CLUSTER_CIDR} -m comment --comment "pod traffic for ${r.spn} external destinations" -j ${svcChain}`);
    add(nat, extChain, `-m comment --comment "masquerade LOCAL traffic for ${r.spn} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
    add(nat, extChain, `-m comment --comment "route LOCAL traffic for ${r.spn} external destinations" -m addrtype --src-type LOCAL -j ${svcChain}`);
    add(nat, extChain, `-j ${localChain}`);
    if (local.length === 0) {
      nat.set(localChain, nat.get(localChain) ?? []);
      for (const lb of r.lbIPs) add(filter, "KUBE-EXTERNAL-SERVICES", `-d ${lb}/32 ${m(r.proto)} "${r.spn} has no local endpoints" -m ${r.proto} --dport ${r.port} -j DROP`);
      if (r.nodePort) add(filter, "KUBE-EXTERNAL-SERVICES", `${m(r.proto)} "${r.spn} has no local endpoints" -m addrtype --dst-type LOCAL -m ${r.proto} --dport ${r.nodePort} -j DROP`);
    }
    local.forEach((e, i) => {
      const last = i === local.length - 1;
      add(nat, localChain, `-m comment --comment "${r.spn} -> ${e.target}"${last ? "" : ` -m statistic --mode random --probability ${savedProbability(local.length - i)}`} -j ${e.chain}`);
    });
  }
  add(nat, "KUBE-SERVICES", `-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  add(nat, "KUBE-MARK-MASQ", "-j MARK --set-xmark 0x4000/0x4000");
  add(nat, "KUBE-POSTROUTING", "-m mark ! --mark 0x4000/0x4000 -j RETURN");
  add(nat, "KUBE-POSTROUTING", "-j MARK --set-xmark 0x4000/0x0");
  add(nat, "KUBE-POSTROUTING", '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
  add(filter, "KUBE-FIREWALL", '! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
  add(filter, "KUBE-FORWARD", "-m conntrack --ctstate INVALID -j DROP");
  add(filter, "KUBE-FORWARD", '-m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT');
  add(filter, "KUBE-FORWARD", '-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');

  const table = (name: string, builtins: [string, string][], hooks: string[], chains: Map<string, string[]>) => {
    const names = [...chains.keys()].sort();
    return [
      `# Generated by iptables-save v1.8.10 (nf_tables) on ${stamp}`,
      `*${name}`,
      ...builtins.map(([c, pol]) => `:${c} ${pol} [${rng.int(900000)}:${rng.int(900000) * 700}]`),
      ...names.map((c) => `:${c} - [0:0]`),
      ...hooks.map(rule),
      ...names.flatMap((c) => chains.get(c)!),
      "COMMIT",
      `# Completed on ${stamp}`,
    ];
  };
  const lines = [
    ...table("mangle", [["PREROUTING", "ACCEPT"], ["INPUT", "ACCEPT"], ["FORWARD", "ACCEPT"], ["OUTPUT", "ACCEPT"], ["POSTROUTING", "ACCEPT"]], [], new Map([["KUBE-IPTABLES-HINT", []], ["KUBE-KUBELET-CANARY", []], ["KUBE-PROXY-CANARY", []]])),
    ...table(
      "filter",
      [["INPUT", "ACCEPT"], ["FORWARD", "ACCEPT"], ["OUTPUT", "ACCEPT"]],
      [
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
        "-A INPUT -j KUBE-FIREWALL",
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        "-A OUTPUT -j KUBE-FIREWALL",
      ],
      filter,
    ),
    ...table(
      "nat",
      [["PREROUTING", "ACCEPT"], ["INPUT", "ACCEPT"], ["OUTPUT", "ACCEPT"], ["POSTROUTING", "ACCEPT"]],
      [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
      ],
      nat,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- other node files and logs

interface K8sPod {
  metadata: { namespace: string; name: string; labels: Record<string, string> };
  spec: { nodeName?: string; hostNetwork?: boolean };
  status: { podIP?: string; phase?: string };
}

function ipRoute(i: number, nodes: number, localPods: K8sPod[]): string {
  const lines = [`default via 10.0.0.1 dev ens5 proto dhcp src ${nodeIp(i)} metric 100`, `10.0.0.0/16 dev ens5 proto kernel scope link src ${nodeIp(i)} metric 100`];
  for (let j = 0; j < nodes; j++) {
    if (j === i) lines.push(`blackhole ${nodeCidr(j)} proto bird`);
    else lines.push(`${nodeCidr(j)} via ${nodeIp(j)} dev tunl0 proto bird onlink`);
  }
  for (const p of localPods) {
    if (p.spec.hostNetwork || !p.status.podIP) continue;
    const iface = `cali${createHash("sha1").update(`${p.metadata.namespace}.${p.metadata.name}`).digest("hex").slice(0, 11)}`;
    lines.push(`${p.status.podIP} dev ${iface} scope link`);
  }
  return `${lines.join("\n")}\n`;
}

const RESOLV_CONF = "# Generated by NetworkManager\nsearch eu-west-1.compute.internal\nnameserver 10.0.0.2\n";

const CALICO_CONFLIST = `${JSON.stringify(
  {
    name: "k8s-pod-network",
    cniVersion: "0.3.1",
    plugins: [
      { type: "calico", log_level: "info", log_file_path: "/var/log/calico/cni/cni.log", datastore_type: "kubernetes", nodename: "__NODE__", mtu: 0, ipam: { type: "calico-ipam" }, policy: { type: "k8s" }, kubernetes: { kubeconfig: "/etc/cni/net.d/calico-kubeconfig" } },
      { type: "portmap", snat: true, capabilities: { portMappings: true } },
      { type: "bandwidth", capabilities: { bandwidth: true } },
    ],
  },
  null,
  2,
)}\n`;

function klogTime(base: number, offsetMs: number): string {
  const d = new Date(base + offsetMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds() * 1000, 6)}`;
}

function kubeProxyLog(nodeIpAddress: string, collectedAt: number): string {
  const t0 = collectedAt - 5 * 3600_000;
  const l = (ms: number, src: string, msg: string) => `I${klogTime(t0, ms)}       1 ${src}] ${msg}`;
  return [
    l(0, "server_linux.go:66", '"Using iptables proxy"'),
    l(128, "server.go:677", `"Successfully retrieved node IP(s)" IPs=["${nodeIpAddress}"]`),
    l(136, "conntrack.go:60", '"Setting nf_conntrack_max" nfConntrackMax=131072'),
    l(180, "server.go:243", '"kube-proxy running in dual-stack mode" primary ipFamily="IPv4"'),
    l(180, "server_linux.go:169", '"Using iptables Proxier"'),
    l(183, "server.go:483", '"Version info" version="v1.31.2"'),
    l(284, "shared_informer.go:320", "Caches are synced for service config"),
    l(284, "shared_informer.go:320", "Caches are synced for endpoint slice config"),
    l(285, "shared_informer.go:320", "Caches are synced for node config"),
    "",
  ].join("\n");
}

/** ingress-nginx access lines for real backends, and nginx upstream errors for backends that refuse. */
function ingressLog(rng: Rng, lines: number, backends: { upstream: string; target: string }[], refusing: { upstream: string; target: string }[], collectedAt: number): string {
  const out: string[] = [];
  const agents = ["Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)", "curl/8.5.0", "kube-probe/1.31"];
  for (let i = 0; i < lines; i++) {
    const t = new Date(collectedAt - (lines - i) * 700);
    const client = `198.51.100.${1 + rng.int(250)}`;
    const stamp = `${String(t.getUTCDate()).padStart(2, "0")}/Nov/2026:${t.toISOString().slice(11, 19)} +0000`;
    if (refusing.length > 0 && rng.chance(0.02)) {
      const b = rng.pick(refusing);
      const ngx = `${t.toISOString().slice(0, 10).replace(/-/g, "/")} ${t.toISOString().slice(11, 19)}`;
      out.push(`${ngx} [error] 31#31: *${100000 + i} connect() failed (111: Connection refused) while connecting to upstream, client: ${client}, server: _, request: "GET / HTTP/1.1", upstream: "http://${b.target}/", host: "${b.upstream}"`);
      continue;
    }
    const b = rng.pick(backends);
    const bytes = 200 + rng.int(20000);
    const secs = (rng.int(300) / 1000).toFixed(3);
    out.push(`${client} - - [${stamp}] "GET /${rng.pick(["", "api/items", "static/app.js", "healthz"])} HTTP/1.1" 200 ${bytes} "-" "${rng.pick(agents)}" ${300 + rng.int(300)} ${secs} [${b.upstream}] [] ${b.target} ${bytes} ${secs} 200 ${createHash("md5").update(`${i}`).digest("hex")}`);
  }
  return `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------- tar writing

/** A ustar header; long names go to the prefix field (the collector's paths always fit ustar's 255 bytes). */
function ustarHeader(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  let prefix = "";
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.slice(0, 156).lastIndexOf("/");
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`name too long for ustar: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const put = (value: string, at: number, len: number) => h.write(value, at, len, "utf8");
  put(base, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124, 12);
  put(`${Math.floor(mtime / 1000).toString(8).padStart(11, "0")}\0`, 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  put("root", 265, 32);
  put("root", 297, 32);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

class TgzWriter {
  private readonly gzip = createGzip({ level: 6 });
  private readonly done: Promise<void>;
  unpacked = 0;
  files = 0;
  constructor(path: string, private readonly folder: string, private readonly mtime: number) {
    const file = createWriteStream(path);
    this.gzip.pipe(file);
    this.done = once(file, "close").then(() => undefined);
  }
  private async write(chunk: Buffer): Promise<void> {
    this.unpacked += chunk.length;
    if (!this.gzip.write(chunk)) await once(this.gzip, "drain");
  }
  async add(name: string, body: string | Buffer): Promise<void> {
    const data = typeof body === "string" ? Buffer.from(body) : body;
    await this.write(ustarHeader(`${this.folder}/${name}`, data.length, this.mtime));
    await this.write(data);
    if (data.length % 512) await this.write(Buffer.alloc(512 - (data.length % 512)));
    this.files++;
  }
  async close(): Promise<void> {
    await this.write(Buffer.alloc(1024));
    this.gzip.end();
    await this.done;
  }
}

// ---------------------------------------------------------------- the snapshot

export async function generateSnapshot(sizeName: SizeName, seed: number, path: string): Promise<GeneratedSnapshot> {
  const size = SIZES[sizeName];
  const rng = new Rng(seed);
  const base = await loadScenario("healthy");
  const { scenario } = buildScenario(base, size, rng);
  const files = expandScenario(scenario);
  const collectedAt = Date.parse(scenario.cluster?.collectedAt ?? "2026-11-22T10:30:00Z");
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const out = new TgzWriter(partial, `netdiag-bench-${sizeName.toLowerCase()}-${seed}-20261122T1030Z`, collectedAt);

  const json = <T>(name: string) => JSON.parse(files.get(`resources/${name}.json`)!) as { items: T[] };
  const services = json<K8sService>("services").items;
  const slices = json<K8sSlice>("endpointslices").items;
  const pods = json<K8sPod>("pods").items;
  const rules = servicePortRules(services, slices);

  // Resources and the manifest first, as the collector writes them; then logs and node data.
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!name.startsWith("logs/")) await out.add(name, text);
    files.delete(name);
  }
  const podsByNode = new Map<string, K8sPod[]>();
  for (const p of pods) {
    if (!p.spec.nodeName) continue;
    const list = podsByNode.get(p.spec.nodeName);
    if (list) list.push(p);
    else podsByNode.set(p.spec.nodeName, [p]);
  }
  const componentPods = (label: string, value: string) => pods.filter((p) => p.metadata.labels[label] === value && p.status.phase === "Running");

  let logLines = 0;
  const nodeIndex = new Map(Array.from({ length: size.nodes }, (_, i) => [nodeName(i), i]));
  for (const p of componentPods("k8s-app", "kube-proxy")) {
    const text = kubeProxyLog(nodeIp(nodeIndex.get(p.spec.nodeName!) ?? 0), collectedAt);
    logLines += text.split("\n").length - 1;
    await out.add(`logs/kube-system/${p.metadata.name}/kube-proxy.log`, text);
  }
  for (const p of componentPods("k8s-app", "kube-dns")) {
    const text = ".:53\n[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908\nCoreDNS-1.11.3\nlinux/amd64, go1.21.11, a6338e9\n";
    logLines += 4;
    await out.add(`logs/kube-system/${p.metadata.name}/coredns.log`, text);
  }
  const backends = rules.filter((r) => r.endpoints.length > 0).flatMap((r) => r.endpoints.slice(0, 2).map((e) => ({ upstream: `${r.spn.replace(/[/:]/g, "-")}`, target: e.target })));
  // A few backends refusing connections now and then (restarts, rollouts): the noise real controllers log.
  const refusing = Array.from({ length: 20 }, () => rng.pick(backends)).filter(Boolean);
  const ingressLines = Math.round(size.pods / 4);
  for (const p of componentPods("app.kubernetes.io/component", "controller")) {
    const text = ingressLog(rng, ingressLines, backends.length ? backends : [{ upstream: "default-backend", target: "10.244.0.9:8080" }], refusing, collectedAt);
    logLines += ingressLines;
    await out.add(`logs/ingress-nginx/${p.metadata.name}/controller.log`, text);
  }

  let iptablesLines = 0;
  const stamp = "Sun Nov 22 10:29:41 2026";
  for (let i = 0; i < size.nodes; i++) {
    const node = nodeName(i);
    const dump = iptablesSave(node, rules, rng, stamp);
    iptablesLines += dump.split("\n").length - 1;
    await out.add(`nodes/${node}/iptables-save.txt`, dump);
    await out.add(`nodes/${node}/ip-route.txt`, ipRoute(i, size.nodes, podsByNode.get(node) ?? []));
    await out.add(`nodes/${node}/resolv.conf`, RESOLV_CONF);
    await out.add(`nodes/${node}/cni/10-calico.conflist`, CALICO_CONFLIST.replace("__NODE__", node));
  }
  await out.close();
  await rename(partial, path);
  const result: GeneratedSnapshot = {
    path,
    size: sizeName,
    seed,
    compressedBytes: (await stat(path)).size,
    unpackedBytes: out.unpacked,
    files: out.files,
    counts: { pods: pods.length, services: services.length, policies: (scenario.networkpolicies ?? []).length, nodes: size.nodes, iptablesLines, logLines },
  };
  await writeFile(`${path}.json`, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** The snapshot for a size and seed, generated once into bench/out/ and reused. */
export async function cachedSnapshot(sizeName: SizeName, seed = 1): Promise<GeneratedSnapshot> {
  const path = join(BENCH_OUT, `netdiag-${sizeName}-seed${seed}-v${GENERATOR_VERSION}.tgz`);
  try {
    return JSON.parse(await readFile(`${path}.json`, "utf8")) as GeneratedSnapshot;
  } catch {
    return generateSnapshot(sizeName, seed, path);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = (process.argv[2] ?? "S") as SizeName;
  if (!(size in SIZES)) throw new Error(`size is one of ${Object.keys(SIZES).join(", ")}`);
  const started = Date.now();
  const g = await cachedSnapshot(size, Number(process.argv[3] ?? 1));
  process.stdout.write(`${JSON.stringify(g)}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
