/**
 * Whole-cluster helpers: hand-made scenarios for what they report, then a
 * cross-check of their class-and-bitset answers against plain pairwise
 * canReach on seeded clusters from bench/netpol.ts.
 */
import { describe, expect, it } from "vitest";
import type { NetworkPolicy, Pod, Service } from "../../src/model/k8s.js";
import {
  buildPolicyIndex, canReach, podsWithoutDnsPath, resolveTargetPort, serviceBackends, unreachableBackends, type PolicyIndex, type Protocol,
} from "../../src/facts/netpol/index.js";
import { formatIp } from "../../src/model/cidr.js";
import { ipBlockRanges } from "../../src/facts/netpol/ip-block.js";
import { DEFAULT_WEIGHTS, generateCluster } from "../../bench/netpol.js";
import { makeNamespace, makePod, makePolicy, makeService } from "./objects.js";

const namespaces = [makeNamespace("shop"), makeNamespace("kube-system"), makeNamespace("tools")];
const coredns = [0, 1].map((i) => makePod({ namespace: "kube-system", name: `coredns-5d78c9869d-${i}x7kq`, labels: { "k8s-app": "kube-dns" }, ips: [`10.244.0.${10 + i}`], ports: [["dns", 53, "UDP"], ["dns-tcp", 53, "TCP"], ["metrics", 9153]] }));
const web = makePod({ namespace: "shop", name: "web-7d4b9c8f6-x2x9k", labels: { app: "web" }, ips: ["10.244.1.10"], ports: [["http", 8080]] });
const api = [0, 1].map((i) => makePod({ namespace: "shop", name: `api-5f9c7b8d4-${i}q2kz`, labels: { app: "api" }, ips: [`10.244.1.${20 + i}`], ports: [["http", 8000]] }));
const db = makePod({ namespace: "shop", name: "db-0", labels: { app: "db" }, ips: ["10.244.2.10"], ports: [["postgres", 5432]] });
const debug = makePod({ namespace: "tools", name: "netshoot", labels: { run: "netshoot" }, ips: ["10.244.3.9"] });
const nodeAgent = makePod({ namespace: "kube-system", name: "kube-proxy-8xk2p", labels: { "k8s-app": "kube-proxy" }, hostNetwork: true });
const pods = [...coredns, web, ...api, db, debug, nodeAgent];
const services = [
  makeService("shop", "web", { app: "web" }, [{ name: "http", port: 80, targetPort: "http" }]),
  makeService("shop", "api", { app: "api" }, [{ name: "http", port: 80, targetPort: "http" }, { name: "grpc", port: 9090, targetPort: "grpc" }]),
  makeService("shop", "db", { app: "db" }, [{ name: "postgres", port: 5432, targetPort: 5432 }]),
  makeService("kube-system", "kube-dns", { "k8s-app": "kube-dns" }, [{ name: "dns", port: 53, targetPort: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" }]),
];
const dnsRefs = coredns.map((p) => ({ namespace: "kube-system", name: p.metadata.name }));
const idx = (policies: NetworkPolicy[], extra: Pod[] = []) => buildPolicyIndex({ pods: [...pods, ...extra], namespaces, policies, services });
const gapsOf = (index: PolicyIndex) => unreachableBackends(index).gaps.map((g) => ({ svc: `${g.service.namespace}/${g.service.name}:${g.port.port}`, pods: g.unreachable.map((u) => u.pod.name), blockedBy: g.blockedBy, isolatedBy: g.isolatedBy.map((p) => p.name) }));

describe("unreachableBackends", () => {
  it("reports nothing on a cluster without policies (and skips a named targetPort no pod has)", () => {
    const report = unreachableBackends(idx([]));
    expect(report.gaps).toEqual([]);
    expect(report.checkedServicePorts).toBe(6);
  });

  it("a default-deny with no allow leaves every backend of the namespace without clients", () => {
    const index = idx([makePolicy("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] })]);
    expect(gapsOf(index)).toEqual([
      { svc: "shop/web:80", pods: [web.metadata.name], blockedBy: "ingress", isolatedBy: ["default-deny"] },
      { svc: "shop/api:80", pods: api.map((p) => p.metadata.name), blockedBy: "ingress", isolatedBy: ["default-deny"] },
      { svc: "shop/db:5432", pods: ["db-0"], blockedBy: "ingress", isolatedBy: ["default-deny"] },
    ]);
  });

  it("blames egress when ingress admits clients whose own egress is closed", () => {
    const index = idx([
      makePolicy("shop", "db-from-api", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 5432 }] }] }),
      makePolicy("shop", "api-egress-dns-only", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] }),
    ]);
    expect(gapsOf(index)).toEqual([{ svc: "shop/db:5432", pods: ["db-0"], blockedBy: "egress", isolatedBy: ["db-from-api"] }]);
  });

  it("does not count a backend as its own client, but counts its replicas", () => {
    const selfOnly = (app: string) => makePolicy("shop", `${app}-from-itself`, { podSelector: { matchLabels: { app } }, ingress: [{ from: [{ podSelector: { matchLabels: { app } } }] }] });
    const index = idx([selfOnly("db"), selfOnly("api")]);
    expect(gapsOf(index).map((g) => g.svc)).toEqual(["shop/db:5432"]);
  });

  it("counts external clients admitted by ipBlock or by a rule without peers", () => {
    const index = idx([
      makePolicy("shop", "web-from-internet", { podSelector: { matchLabels: { app: "web" } }, ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }] }),
      makePolicy("shop", "db-5432-from-anyone", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ ports: [{ port: 5432 }] }] }),
      makePolicy("shop", "api-from-web", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] }),
      makePolicy("shop", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
    ]);
    // web and db are reachable from outside although no pod of shop may send; api admits only web, which may not.
    expect(gapsOf(index)).toEqual([{ svc: "shop/api:80", pods: api.map((p) => p.metadata.name), blockedBy: "egress", isolatedBy: ["api-from-web"] }]);
  });

  it("counts outside clients of a backend that no policy isolates", () => {
    const index = idx([makePolicy("shop", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] })]);
    expect(gapsOf(index)).toEqual([]);
  });

  it("counts pods admitted by an ipBlock holding their IP, if their egress lets them send", () => {
    const pinned = makePolicy("shop", "db-from-api-0-ip", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ ipBlock: { cidr: "10.244.1.20/32" } }] }] });
    expect(gapsOf(idx([pinned])).map((g) => g.svc)).toEqual([]);
    const closed = makePolicy("shop", "api-no-egress", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"] });
    expect(gapsOf(idx([pinned, closed]))).toEqual([{ svc: "shop/db:5432", pods: ["db-0"], blockedBy: "egress", isolatedBy: ["db-from-api-0-ip"] }]);
  });

  it("a pod admitted through an ipBlock is no client of itself", () => {
    // Only api-0's IP is admitted: api-0 may serve api-1, but nobody may serve api-0.
    const index = idx([makePolicy("shop", "api-from-api-0-ip", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ ipBlock: { cidr: "10.244.1.20/32" } }] }] })]);
    expect(gapsOf(index)).toEqual([{ svc: "shop/api:80", pods: [api[0]!.metadata.name], blockedBy: "ingress", isolatedBy: ["api-from-api-0-ip"] }]);
  });

  it("treats host-network backends as outside policy", () => {
    const agentSvc = makeService("kube-system", "kube-proxy-metrics", { "k8s-app": "kube-proxy" }, [{ port: 10249 }]);
    const index = buildPolicyIndex({ pods, namespaces, policies: [makePolicy("kube-system", "deny-all", { podSelector: {}, ingress: [] })], services: [agentSvc] });
    expect(unreachableBackends(index).gaps).toEqual([]);
  });
});

describe("podsWithoutDnsPath", () => {
  const gaps = (index: PolicyIndex) => podsWithoutDnsPath(index, dnsRefs).gaps.map((g) => ({ pods: g.pods.map((p) => p.name).sort(), missing: g.missing, egress: g.egressPolicies.map((p) => p.name) }));

  it("finds nothing without policies, and skips host-network pods and the DNS pods themselves", () => {
    const report = podsWithoutDnsPath(idx([]), dnsRefs);
    expect(report.gaps).toEqual([]);
    expect(report.checkedPods).toBe(5);
    expect(report.notes.map((n) => n.code)).toContain("host-network-source");
  });

  it("a default-deny-egress namespace loses DNS on both protocols, from the egress side", () => {
    const index = idx([makePolicy("shop", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] })]);
    expect(gaps(index)).toEqual([
      { pods: [web.metadata.name], missing: [{ protocol: "UDP", blockedBy: "egress" }, { protocol: "TCP", blockedBy: "egress" }], egress: ["default-deny-egress"] },
      { pods: api.map((p) => p.metadata.name).sort(), missing: [{ protocol: "UDP", blockedBy: "egress" }, { protocol: "TCP", blockedBy: "egress" }], egress: ["default-deny-egress"] },
      { pods: ["db-0"], missing: [{ protocol: "UDP", blockedBy: "egress" }, { protocol: "TCP", blockedBy: "egress" }], egress: ["default-deny-egress"] },
    ]);
  });

  it("a UDP-only DNS allow leaves TCP 53 missing", () => {
    const index = idx([
      makePolicy("shop", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
      makePolicy("shop", "allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53, protocol: "UDP" }] }] }),
    ]);
    const found = gaps(index);
    expect(found.map((g) => g.missing)).toEqual([[{ protocol: "TCP", blockedBy: "egress" }], [{ protocol: "TCP", blockedBy: "egress" }], [{ protocol: "TCP", blockedBy: "egress" }]]);
  });

  it("an egress ipBlock holding a DNS pod's IP opens the path to that pod", () => {
    const index = idx([
      makePolicy("shop", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
      makePolicy("shop", "dns-by-ip", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.244.0.11/32" } }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] }] }),
    ]);
    expect(gaps(index).map((g) => g.pods)).toEqual([api.map((p) => p.metadata.name).sort(), ["db-0"]]);
  });

  it("an isolated CoreDNS admitting a pod CIDR by ipBlock serves exactly the pods inside it", () => {
    const index = idx([makePolicy("kube-system", "coredns-from-node-a-pods", {
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      ingress: [{ from: [{ ipBlock: { cidr: "10.244.1.0/24" } }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] }],
    })]);
    expect(gaps(index).map((g) => [g.pods, g.missing.map((m) => `${m.protocol} ${m.blockedBy}`)])).toEqual([
      [["db-0"], ["UDP ingress", "TCP ingress"]],
      [["netshoot"], ["UDP ingress", "TCP ingress"]],
    ]);
  });

  it("an isolated CoreDNS that admits only some namespaces blocks the others from the ingress side", () => {
    const index = idx([makePolicy("kube-system", "coredns-from-shop", {
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } } }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] }],
    })]);
    const report = podsWithoutDnsPath(index, dnsRefs);
    expect(report.gaps.map((g) => ({ pods: g.pods.map((p) => p.name), missing: g.missing, dnsIngress: g.dnsIngressPolicies.map((p) => p.name) }))).toEqual([
      { pods: ["netshoot"], missing: [{ protocol: "UDP", blockedBy: "ingress" }, { protocol: "TCP", blockedBy: "ingress" }], dnsIngress: ["coredns-from-shop"] },
    ]);
  });
});

describe("class-based answers equal pairwise canReach (seeded clusters)", () => {
  const SIZE = { pods: 160, namespaces: 12, policies: 45, nodes: 3 };
  // The corner-case policies (ipBlocks over pod and node CIDRs, NotIn, SCTP…) are rare in the
  // benchmark mix; here they are as common as default-deny, so every seed exercises them.
  const WEIGHTS = { ...DEFAULT_WEIGHTS, unusual: 25 };

  function bruteUnreachable(index: PolicyIndex, services: readonly Service[]): string[] {
    // Outside addresses worth trying: in every ipBlock, its first address that no pod or node has; and one no block names.
    const known = new Set(index.pods.flatMap((p) => p.ips.map(formatIp)));
    const blocks = index.policies.flatMap((p) => p.ingressRules.flatMap((r) => r.peers.flatMap((peer) => (peer.ipBlock ? [peer.ipBlock] : []))));
    const externals = ["203.0.113.77"];
    for (const block of blocks) {
      for (const [first, last] of ipBlockRanges(block)) {
        let value = first;
        while (value <= last && known.has(formatIp({ family: block.cidr.family, value }))) value++;
        if (value <= last) externals.push(formatIp({ family: block.cidr.family, value }));
      }
    }
    const out: string[] = [];
    for (const svc of services) {
      for (const sp of svc.spec.ports ?? []) {
        const protocol = (sp.protocol ?? "TCP") as Protocol;
        for (const b of serviceBackends(index, svc)) {
          const port = resolveTargetPort(b, sp.targetPort ?? sp.port, protocol);
          if (port === null) continue;
          const to = { namespace: b.namespace, name: b.name };
          const q = { port, protocol };
          const fromPod = index.pods.some((c) => c !== b && !c.hostNetwork && canReach(index, { namespace: c.namespace, name: c.name }, to, q).allowed);
          const fromOutside = externals.some((ip) => canReach(index, { ip }, to, q).allowed);
          if (!fromPod && !fromOutside) out.push(`${svc.metadata.namespace}/${svc.metadata.name}:${sp.port} ${b.name}`);
        }
      }
    }
    return out.sort();
  }

  function bruteDns(index: PolicyIndex, dns: Array<{ namespace: string; name: string }>): string[] {
    const out: string[] = [];
    for (const c of index.pods) {
      if (c.hostNetwork || dns.some((d) => d.name === c.name && d.namespace === c.namespace)) continue;
      for (const protocol of ["UDP", "TCP"] as const) {
        const verdicts = dns.map((d) => canReach(index, { namespace: c.namespace, name: c.name }, d, { port: 53, protocol }));
        if (verdicts.some((v) => v.allowed)) continue;
        const egress = verdicts.some((v) => v.egress.allowed);
        const ingress = verdicts.some((v) => v.ingress.allowed);
        out.push(`${c.namespace}/${c.name} ${protocol} ${!egress && !ingress ? "both" : !egress ? "egress" : !ingress ? "ingress" : "split"}`);
      }
    }
    return out.sort();
  }

  for (const seed of [11, 15, 18, 20, 24]) {
    it(`seed ${seed}`, () => {
      const cluster = generateCluster(seed, SIZE, WEIGHTS);
      const index = buildPolicyIndex(cluster);
      const fast = unreachableBackends(index).gaps.flatMap((g) => g.unreachable.map((u) => `${g.service.namespace}/${g.service.name}:${g.port.port} ${u.pod.name}`)).sort();
      expect(fast).toEqual(bruteUnreachable(index, cluster.services));
      const dns = podsWithoutDnsPath(index, cluster.dnsPods).gaps.flatMap((g) => g.pods.flatMap((p) => g.missing.map((m) => `${p.namespace}/${p.name} ${m.protocol} ${m.blockedBy}`))).sort();
      expect(dns).toEqual(bruteDns(index, cluster.dnsPods));
      // The scenario must exercise the interesting cases, or the comparison proves little.
      expect(fast.length).toBeGreaterThan(0);
      expect(dns.length).toBeGreaterThan(0);
    });
  }
});

