/**
 * NetworkPolicy evaluator at cluster scale: a seeded cluster (default 20,000
 * pods, 2,000 namespaces, 1,000 policies, 100 nodes) with a realistic mix of
 * default-deny, allow-same-namespace, allow-from-namespace, tier rules, DNS
 * egress (some UDP-only), ipBlock egress and a few unusual rules; then one
 * whole-cluster pass: unreachable backends of every Service + pods without
 * a DNS path.
 *
 *   node --import tsx bench/netpol.ts [pods] [namespaces] [policies] [seed]
 *
 * `generateCluster` is also used by test/netpol/cluster.test.ts, which checks
 * the class-based answers against pairwise canReach on small clusters.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Namespace, NetworkPolicy, Pod, Service } from "../src/model/k8s.js";
import { buildPolicyIndex, podsWithoutDnsPath, unreachableBackends, type PodRef } from "../src/facts/netpol/index.js";

export interface ClusterSize {
  pods: number;
  namespaces: number;
  policies: number;
  nodes: number;
}

export const BENCH_SIZE: ClusterSize = { pods: 20_000, namespaces: 2_000, policies: 1_000, nodes: 100 };

export interface GeneratedCluster {
  pods: Pod[];
  namespaces: Namespace[];
  policies: NetworkPolicy[];
  services: Service[];
  dnsPods: PodRef[];
}

/** mulberry32: a tiny seeded PRNG, so every run builds the same cluster. */
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

type PortDecl = [string | undefined, number, string?];

interface AppKind {
  app: string;
  tier: "frontend" | "backend" | "db" | "worker";
  ports: PortDecl[];
  /** Service targetPort: a container port name, or a number. */
  target: string | number | null;
}

const APPS: AppKind[] = [
  { app: "web", tier: "frontend", ports: [["http", 8080]], target: "http" },
  { app: "api", tier: "backend", ports: [["http", 8000], ["metrics", 9090]], target: "http" },
  { app: "auth", tier: "backend", ports: [["grpc", 50051]], target: 50051 },
  { app: "search", tier: "backend", ports: [[undefined, 9200]], target: 9200 },
  { app: "db", tier: "db", ports: [["postgres", 5432], ["metrics", 9187]], target: "postgres" },
  { app: "cache", tier: "db", ports: [["redis", 6379]], target: 6379 },
  { app: "worker", tier: "worker", ports: [["metrics", 9090]], target: null },
];

const ENVS = ["prod", "staging", "dev"] as const;

export const POLICY_KINDS = [
  "default-deny-ingress", "default-deny-all", "allow-same-namespace", "allow-from-ingress", "allow-dns",
  "allow-internet-https", "db-from-backend", "allow-monitoring", "unusual", "coredns-ingress",
] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** Relative frequency of each kind of policy (percent of all policies, by default). */
export const DEFAULT_WEIGHTS: Record<PolicyKind, number> = {
  "default-deny-ingress": 25,
  "default-deny-all": 8,
  "allow-same-namespace": 15,
  "allow-from-ingress": 15,
  "allow-dns": 10,
  "allow-internet-https": 8,
  "db-from-backend": 7,
  "allow-monitoring": 5,
  unusual: 4,
  "coredns-ingress": 3,
};

export function generateCluster(seed: number, size: ClusterSize = BENCH_SIZE, weights: Record<PolicyKind, number> = DEFAULT_WEIGHTS): GeneratedCluster {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const chance = (p: number) => rand() < p;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");

  const nodes = Array.from({ length: size.nodes }, (_, i) => ({ name: `node-${i}`, ip: `192.168.${Math.floor(i / 250)}.${(i % 250) + 2}` }));
  let ipCounter = 10;
  const nextIp = () => {
    const n = ipCounter++;
    return `10.${244 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
  };

  const namespaces: Namespace[] = [];
  const appNamespaces: Array<{ name: string; team: string; env: string }> = [];
  const nsObject = (name: string, labels: Record<string, string>) =>
    Namespace.parse({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } }, status: { phase: "Active" } });
  namespaces.push(nsObject("kube-system", {}), nsObject("ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" }), nsObject("monitoring", { purpose: "monitoring" }));
  for (let i = 0; namespaces.length < size.namespaces; i++) {
    const team = `t${i % 50}`;
    const env = ENVS[i % ENVS.length]!;
    const name = `${team}-${env}-${i}`;
    appNamespaces.push({ name, team, env });
    namespaces.push(nsObject(name, { team, env }));
  }

  const pods: Pod[] = [];
  const podObject = (ns: string, name: string, labels: Record<string, string>, ports: PortDecl[], opts: { hostNetwork?: boolean; node?: (typeof nodes)[number]; phase?: string } = {}) => {
    const node = opts.node ?? pick(nodes);
    const phase = opts.phase ?? "Running";
    const ips = opts.hostNetwork ? [node.ip] : chance(0.05) ? [nextIp(), `fd00:10:244::${(ipCounter++).toString(16)}`] : [nextIp()];
    pods.push(Pod.parse({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: ns, labels },
      spec: {
        nodeName: node.name,
        ...(opts.hostNetwork ? { hostNetwork: true } : {}),
        containers: [{ name: labels.app ?? "main", image: "registry.example.com/app:1.0", ports: ports.map(([n, p, proto]) => ({ ...(n ? { name: n } : {}), containerPort: p, protocol: proto ?? "TCP" })) }],
      },
      status: { phase, hostIP: node.ip, ...(phase === "Running" ? { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } : {}) },
    }));
  };

  const dnsPods: PodRef[] = [];
  for (let i = 0; i < 2; i++) {
    const name = `coredns-5d78c9869d-${hex(5)}`;
    podObject("kube-system", name, { "k8s-app": "kube-dns", "pod-template-hash": "5d78c9869d" }, [["dns", 53, "UDP"], ["dns-tcp", 53, "TCP"], ["metrics", 9153]]);
    dnsPods.push({ namespace: "kube-system", name });
  }
  for (const node of nodes) {
    podObject("kube-system", `kube-proxy-${hex(5)}`, { "k8s-app": "kube-proxy" }, [], { hostNetwork: true, node });
    podObject("monitoring", `node-exporter-${hex(5)}`, { app: "node-exporter" }, [["metrics", 9100]], { hostNetwork: true, node });
  }
  for (let i = 0; i < 2; i++) podObject("ingress-nginx", `ingress-nginx-controller-7d9f6c8b5-${hex(5)}`, { "app.kubernetes.io/name": "ingress-nginx", "pod-template-hash": "7d9f6c8b5" }, [["http", 80], ["https", 443]]);
  podObject("monitoring", "prometheus-k8s-0", { app: "prometheus" }, [["web", 9090]]);

  const services: Service[] = [];
  const serviceObject = (ns: string, name: string, selector: Record<string, string>, port: number, targetPort: string | number, protocol = "TCP") =>
    Service.parse({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { type: "ClusterIP", selector, clusterIP: `10.96.${services.length >> 8 & 255}.${services.length & 255}`, ports: [{ name: "main", port, targetPort, protocol }] } });
  services.push(serviceObject("kube-system", "kube-dns", { "k8s-app": "kube-dns" }, 53, 53, "UDP"));
  services.push(serviceObject("ingress-nginx", "ingress-nginx-controller", { "app.kubernetes.io/name": "ingress-nginx" }, 80, "http"));

  // Spread the remaining pods over the app namespaces as Deployments (pod-template-hash per ReplicaSet).
  const appPods = Math.max(appNamespaces.length, size.pods - pods.length);
  for (const [n, ns] of appNamespaces.entries()) {
    let left = Math.floor(appPods / appNamespaces.length) + (n < appPods % appNamespaces.length ? 1 : 0);
    const kinds = [...APPS].sort(() => rand() - 0.5).slice(0, 2 + Math.floor(rand() * 3));
    for (const [k, kind] of kinds.entries()) {
      const replicas = k === kinds.length - 1 ? left : Math.min(left, 1 + Math.floor(rand() * 4));
      left -= replicas;
      if (replicas <= 0) continue;
      // One app in ten is mid-rollout: two ReplicaSets, and the new one moved its first named port.
      const rollout = chance(0.1);
      for (let r = 0; r < replicas; r++) {
        const second = rollout && r % 2 === 1;
        const hash = second ? "6b8f4c7d9" : "5f9c7b8d4";
        const ports = second ? kind.ports.map(([n, p, proto], i): PortDecl => [n, i === 0 ? p + 1 : p, proto]) : kind.ports;
        const phase = kind.tier === "worker" && chance(0.1) ? "Succeeded" : "Running";
        podObject(ns.name, `${kind.app}-${hash}-${hex(5)}`, { app: kind.app, tier: kind.tier, "pod-template-hash": hash }, ports, { phase });
      }
      if (kind.target !== null) {
        // A few Services carry a selector typo and select nothing.
        const selector = chance(0.02) ? { app: `${kind.app}-svc` } : { app: kind.app };
        services.push(serviceObject(ns.name, kind.app, selector, kind.tier === "db" ? kind.ports[0]![1] : 80, kind.target));
      }
    }
  }

  const policies: NetworkPolicy[] = [];
  const policy = (ns: string, name: string, spec: Record<string, unknown>) =>
    policies.push(NetworkPolicy.parse({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: `${name}-${policies.length}`, namespace: ns }, spec }));
  const dnsPeer = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } };
  const privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
  type Writer = (ns: (typeof appNamespaces)[number]) => void;
  const podNetworkIps = pods.filter((p) => !p.spec.hostNetwork && p.status.podIP).map((p) => p.status.podIP!);
  const pinned = () => pick(podNetworkIps);
  /** Rarer shapes that exercise the corners: NotIn, ipBlocks over node and pod CIDRs, SCTP, allow-all egress. */
  const unusual: Writer[] = [
    (ns) => policy(ns.name, "not-from-dev", { podSelector: { matchLabels: { tier: "backend" } }, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["dev"] }] } }] }] }),
    (ns) => policy(ns.name, "from-nodes", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "192.168.0.0/16" } }] }] }),
    (ns) => policy(ns.name, "egress-pod-cidr", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.244.0.0/16", except: ["10.244.0.0/24"] } }], ports: [{ port: 8000 }, { port: 53, protocol: "UDP" }] }] }),
    (ns) => policy(ns.name, "from-pod-cidr", { podSelector: { matchLabels: { app: pick(["api", "db", "search"]) } }, ingress: [{ from: [{ ipBlock: { cidr: "10.244.0.0/16", except: ["10.244.1.0/24"] } }], ports: [{ port: "http" }, { port: 5432 }, { port: 9200 }] }] }),
    // A client or server pinned by its pod IP (/32), as the upstream e2e tests do.
    (ns) => policy(ns.name, "from-pinned-ip", { podSelector: { matchLabels: { tier: "db" } }, ingress: [{ from: [{ ipBlock: { cidr: `${pinned()}/32` } }] }] }),
    (ns) => policy(ns.name, "to-pinned-ip", { podSelector: { matchLabels: { tier: "backend" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: `${pinned()}/32` } }, { ipBlock: { cidr: `${pinned()}/32` } }] }] }),
    (ns) => policy(ns.name, "sctp-signalling", { podSelector: { matchLabels: { app: "auth" } }, ingress: [{ ports: [{ protocol: "SCTP", port: 2905 }] }] }),
    (ns) => policy(ns.name, "allow-all-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] }),
  ];
  const mix: Array<[PolicyKind, Writer]> = [
    ["default-deny-ingress", (ns) => policy(ns.name, "default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] })],
    ["default-deny-all", (ns) => policy(ns.name, "default-deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })],
    ["allow-same-namespace", (ns) => policy(ns.name, "allow-same-namespace", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
    ["allow-from-ingress", (ns) => policy(ns.name, "allow-from-ingress", {
      podSelector: { matchLabels: { app: pick(["web", "api"]) } },
      ingress: [{ from: [chance(0.5) ? { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } } : { namespaceSelector: { matchLabels: { team: ns.team } } }], ports: [{ port: "http" }] }],
    })],
    ["allow-dns", (ns) => policy(ns.name, "allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [dnsPeer], ports: chance(0.8) ? [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] : [{ port: 53, protocol: "UDP" }] }],
    })],
    ["allow-internet-https", (ns) => policy(ns.name, "allow-internet-https", {
      podSelector: { matchLabels: { app: pick(["api", "worker", "auth"]) } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: privateRanges } }], ports: [{ port: 443 }] }],
    })],
    ["db-from-backend", (ns) => policy(ns.name, "db-from-backend", {
      podSelector: { matchLabels: { tier: "db" } },
      ingress: [{ from: [{ podSelector: { matchLabels: { tier: "backend" } } }], ports: [{ port: "postgres" }, { port: 6379 }] }],
    })],
    ["allow-monitoring", (ns) => policy(ns.name, "allow-monitoring", {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: "monitoring" } }, podSelector: { matchLabels: { app: "prometheus" } } }], ports: [{ port: 9000, endPort: 9200 }, { port: "metrics" }] }],
    })],
    ["unusual", (ns) => pick(unusual)(ns)],
    ["coredns-ingress", () => policy("kube-system", "coredns-ingress", {
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      ingress: [{ from: [{ namespaceSelector: {} }], ports: chance(0.5) ? [{ port: 53, protocol: "UDP" }] : [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }, { port: "metrics" }] }],
    })],
  ];
  const total = mix.reduce((sum, [kind]) => sum + weights[kind], 0);
  // Policies cluster in a subset of namespaces (teams that adopted them), several per namespace.
  const adopters = appNamespaces.filter(() => chance(0.35));
  while (policies.length < size.policies) {
    let roll = rand() * total;
    const entry = mix.find(([kind]) => (roll -= weights[kind]) < 0) ?? mix[0]!;
    entry[1](pick(adopters.length ? adopters : appNamespaces));
  }
  return { pods, namespaces, policies, services, dnsPods };
}

interface PassTimes {
  index: number;
  unreachableBackends: number;
  podsWithoutDnsPath: number;
  total: number;
}

export interface NetpolBenchResult {
  pods: number;
  namespaces: number;
  policies: number;
  services: number;
  classes: number;
  rules: number;
  generateMs: number;
  /** The first pass (cold JIT), then the median of the following passes over the same objects. */
  cold: PassTimes;
  warm: PassTimes;
  unreachableServicePorts: number;
  checkedServicePorts: number;
  dnsGaps: number;
  podsWithoutDns: number;
}

function pass(cluster: GeneratedCluster) {
  const t0 = performance.now();
  const index = buildPolicyIndex(cluster);
  const t1 = performance.now();
  const backends = unreachableBackends(index);
  const t2 = performance.now();
  const dns = podsWithoutDnsPath(index, cluster.dnsPods);
  const t3 = performance.now();
  return { index, backends, dns, ms: { index: t1 - t0, unreachableBackends: t2 - t1, podsWithoutDnsPath: t3 - t2, total: t3 - t0 } };
}

export function runNetpolBench(size: ClusterSize = BENCH_SIZE, seed = 20240502, warmRuns = 3): NetpolBenchResult {
  const g0 = performance.now();
  const cluster = generateCluster(seed, size);
  const generateMs = performance.now() - g0;
  const first = pass(cluster);
  const warm = Array.from({ length: warmRuns }, () => pass(cluster).ms);
  const median = (key: keyof PassTimes) => warm.map((m) => m[key]).sort((a, b) => a - b)[Math.floor(warm.length / 2)] ?? first.ms[key];
  return {
    pods: cluster.pods.length,
    namespaces: cluster.namespaces.length,
    policies: cluster.policies.length,
    services: cluster.services.length,
    classes: first.index.classes.length,
    rules: first.index.policies.reduce((s, p) => s + p.ingressRules.length + p.egressRules.length, 0),
    generateMs,
    cold: first.ms,
    warm: { index: median("index"), unreachableBackends: median("unreachableBackends"), podsWithoutDnsPath: median("podsWithoutDnsPath"), total: median("total") },
    unreachableServicePorts: first.backends.gaps.length,
    checkedServicePorts: first.backends.checkedServicePorts,
    dnsGaps: first.dns.gaps.length,
    podsWithoutDns: first.dns.gaps.reduce((s, g) => s + g.pods.length, 0),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [pods, namespaces, policies, seed] = process.argv.slice(2).map(Number);
  const size = { ...BENCH_SIZE, ...(pods ? { pods } : {}), ...(namespaces ? { namespaces } : {}), ...(policies ? { policies } : {}) };
  const r = runNetpolBench(size, seed || undefined);
  const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
  console.log(`netpol: ${r.pods} pods, ${r.namespaces} namespaces, ${r.policies} policies (${r.rules} rules), ${r.services} services -> ${r.classes} pod classes`);
  console.log(`  generate objects (not timed below) ${ms(r.generateMs)}`);
  console.log(`                                      cold        warm (median of 3)`);
  console.log(`  buildPolicyIndex                 ${ms(r.cold.index)}   ${ms(r.warm.index)}`);
  console.log(`  unreachableBackends              ${ms(r.cold.unreachableBackends)}   ${ms(r.warm.unreachableBackends)}   ${r.unreachableServicePorts} of ${r.checkedServicePorts} service ports have unreachable backends`);
  console.log(`  podsWithoutDnsPath               ${ms(r.cold.podsWithoutDnsPath)}   ${ms(r.warm.podsWithoutDnsPath)}   ${r.podsWithoutDns} pods (${r.dnsGaps} groups) lack UDP or TCP 53`);
  console.log(`  whole-cluster pass               ${ms(r.cold.total)}   ${ms(r.warm.total)}`);
}
