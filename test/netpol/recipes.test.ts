/**
 * ahmetb/kubernetes-network-policy-recipes (shared/realdata/netpol_truth/
 * ahmetb_recipes): the YAML is read from the markdown, the cluster is what the
 * recipe's `kubectl run … --expose` commands create, and the asserted outcome
 * is the one the recipe shows (`wget` output).
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NetworkPolicy } from "../../src/model/k8s.js";
import { buildPolicyIndex, canReach, canReachService, explainServiceVerdict, type PolicyIndex } from "../../src/facts/netpol/index.js";
import { makeNamespace, makePod, makePolicy, makeService } from "./objects.js";
import { realdata } from "../helpers/realdata.js";

/** Every ```yaml block of a recipe, parsed. */
function yamlBlocks(file: string): Array<Record<string, unknown>> {
  const md = realdata(`netpol_truth/ahmetb_recipes/${file}`);
  return [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Record<string, unknown>);
}

function recipePolicies(file: string): NetworkPolicy[] {
  return yamlBlocks(file).filter((b) => b.kind === "NetworkPolicy").map((b) => NetworkPolicy.parse(b));
}

const namespaces = [makeNamespace("default"), makeNamespace("kube-system"), makeNamespace("other")];
// kubectl run web --image=nginx --labels="app=web" --expose --port=80
const web = makePod({ namespace: "default", name: "web", labels: { app: "web" }, ips: ["10.56.0.12"], ports: [[undefined, 80]] });
const webSvc = makeService("default", "web", { app: "web" }, [{ port: 80, targetPort: 80 }], "10.59.245.232");
// kubectl run --rm -i -t --image=alpine test-$RANDOM -- sh   (kubectl run labels the pod run=<name>)
const tester = makePod({ namespace: "default", name: "test-21840", labels: { run: "test-21840" }, ips: ["10.56.0.20"] });
// kubectl run … --labels="app=foo" test -- ash
const foo = makePod({ namespace: "default", name: "test", labels: { app: "foo" }, ips: ["10.56.0.21"] });
const otherNs = makePod({ namespace: "other", name: "test-9911", labels: { run: "test-9911" }, ips: ["10.56.1.7"] });
const coredns = makePod({ namespace: "kube-system", labels: { "k8s-app": "kube-dns", "pod-template-hash": "5d78c9869d" }, ips: ["10.56.0.2"], ports: [["dns", 53, "UDP"], ["dns-tcp", 53, "TCP"], ["metrics", 9153]] });
const kubeDnsSvc = makeService("kube-system", "kube-dns", { "k8s-app": "kube-dns" }, [{ name: "dns", port: 53, targetPort: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" }], "10.59.240.10");

const pods = [web, tester, foo, otherNs, coredns];
const services = [webSvc, kubeDnsSvc];
const ref = (pod: typeof web) => ({ namespace: pod.metadata.namespace!, name: pod.metadata.name });
const EXAMPLE_COM = { ip: "93.184.216.34" };

function index(policies: NetworkPolicy[], extraPods = pods, extraServices = services): PolicyIndex {
  return buildPolicyIndex({ pods: extraPods, namespaces, policies, services: extraServices });
}

/** `wget http://web` from a pod: resolve the name (DNS on UDP 53), then connect to the Service. */
function wget(idx: PolicyIndex, from: typeof web, service: string, port: number) {
  const dns = canReachService(idx, ref(from), { namespace: "kube-system", name: "kube-dns" }, "dns");
  const http = canReachService(idx, ref(from), { namespace: "default", name: service }, port);
  return { resolves: dns.allowed, connects: http.allowed, explain: [...explainServiceVerdict(dns), ...explainServiceVerdict(http)].join("\n") };
}

describe("01 DENY all traffic to an application", () => {
  const policies = recipePolicies("01-deny-all-traffic-to-an-application.md");

  it("parses the recipe's policy (ingress: [], policyTypes defaulted)", () => {
    expect(policies.map((p) => p.metadata.name)).toEqual(["web-deny-all"]);
  });

  it("before: `wget -qO- http://web` returns the nginx page", () => {
    expect(wget(index([]), tester, "web", 80)).toMatchObject({ resolves: true, connects: true });
  });

  it("after: `wget: download timed out`", () => {
    const r = wget(index(policies), tester, "web", 80);
    expect(r, r.explain).toMatchObject({ resolves: true, connects: false });
  });
});

describe("03 DENY all non-whitelisted traffic to a namespace", () => {
  const idx = index(recipePolicies("03-deny-all-non-whitelisted-traffic-in-the-namespace.md"));

  it("blocks ingress to every pod of `default`, from inside and outside the namespace", () => {
    expect(canReach(idx, ref(tester), ref(web), { port: 80 }).allowed).toBe(false);
    expect(canReach(idx, ref(otherNs), ref(foo), { port: 8080 }).allowed).toBe(false);
  });

  it("leaves egress and other namespaces alone", () => {
    expect(canReach(idx, ref(web), EXAMPLE_COM, { port: 443 }).allowed).toBe(true);
    expect(canReach(idx, ref(web), ref(otherNs), { port: 80 }).allowed).toBe(true);
  });
});

describe("09 ALLOW traffic only to a port of an application", () => {
  const [policy, namedPortRule, containerSpec] = yamlBlocks("09-allow-traffic-only-to-a-port.md");
  // kubectl run apiserver --image=ahmet/app-on-two-ports --labels="app=apiserver"  (no ports declared)
  const apiserver = makePod({ namespace: "default", name: "apiserver", labels: { app: "apiserver" }, ips: ["10.56.0.30"] });
  const monitoring = makePod({ namespace: "default", name: "test-30142", labels: { role: "monitoring" }, ips: ["10.56.0.31"] });
  // kubectl create service clusterip apiserver --tcp 8001:8000 --tcp 5001:5000
  const apiSvc = makeService("default", "apiserver", { app: "apiserver" }, [{ name: "8001-8000", port: 8001, targetPort: 8000 }, { name: "5001-5000", port: 5001, targetPort: 5000 }]);

  it("a pod without labels times out on both Service ports", () => {
    const idx = index([NetworkPolicy.parse(policy)], [apiserver, tester, monitoring, coredns], [apiSvc, kubeDnsSvc]);
    expect(wget(idx, tester, "apiserver", 8001).connects).toBe(false);
    expect(wget(idx, tester, "apiserver", 5001).connects).toBe(false);
  });

  it("role=monitoring gets 5001 (targetPort 5000) but still not 8001 (targetPort 8000)", () => {
    const idx = index([NetworkPolicy.parse(policy)], [apiserver, tester, monitoring, coredns], [apiSvc, kubeDnsSvc]);
    expect(wget(idx, monitoring, "apiserver", 8001).connects).toBe(false);
    const r = wget(idx, monitoring, "apiserver", 5001);
    expect(r.connects, r.explain).toBe(true);
  });

  it("the named-port variant resolves api-port on the pod's container ports", () => {
    const container = (containerSpec!.containers as Array<{ ports: Array<{ name: string; containerPort: number; protocol: "TCP" }> }>)[0]!;
    const pod = makePod({ namespace: "default", name: "apiserver", labels: { app: "apiserver" }, ips: ["10.56.0.30"], ports: container.ports.map((p) => [p.name, p.containerPort, p.protocol]) });
    const variant = makePolicy("default", "api-allow-5000", { podSelector: { matchLabels: { app: "apiserver" } }, ...namedPortRule });
    const idx = index([variant], [pod, tester, coredns], [apiSvc, kubeDnsSvc]);
    // The variant's rule has no `from`: any client, but only on api-port (5000).
    expect(wget(idx, tester, "apiserver", 5001).connects).toBe(true);
    expect(wget(idx, tester, "apiserver", 8001).connects).toBe(false);
  });
});

describe("11 DENY egress traffic from an application", () => {
  const [denyAll, allowDns] = recipePolicies("11-deny-egress-traffic-from-an-application.md");

  it("egress: [] breaks name resolution: `wget: bad address 'web:80'`", () => {
    const idx = index([denyAll!]);
    expect(wget(idx, foo, "web", 80)).toMatchObject({ resolves: false, connects: false });
    expect(canReachService(idx, ref(foo), { namespace: "kube-system", name: "kube-dns" }, "dns-tcp").allowed).toBe(false);
  });

  it("with 53/udp+tcp to kube-dns: names resolve, `wget http://web` still times out, and so does www.example.com", () => {
    const idx = index([allowDns!]);
    const r = wget(idx, foo, "web", 80);
    expect(r, r.explain).toMatchObject({ resolves: true, connects: false });
    expect(canReachService(idx, ref(foo), { namespace: "kube-system", name: "kube-dns" }, "dns-tcp").allowed).toBe(true);
    expect(canReach(idx, ref(foo), EXAMPLE_COM, { port: 80 }).allowed).toBe(false);
  });

  it("pods without app=foo are not affected", () => {
    expect(wget(index([allowDns!]), tester, "web", 80)).toMatchObject({ resolves: true, connects: true });
  });
});

describe("12 DENY all non-whitelisted traffic from a namespace", () => {
  const idx = index(recipePolicies("12-deny-all-non-whitelisted-traffic-from-the-namespace.md"));

  it("blocks all egress of `default`, DNS included", () => {
    expect(wget(idx, tester, "web", 80)).toMatchObject({ resolves: false, connects: false });
    expect(canReach(idx, ref(web), EXAMPLE_COM, { port: 443 }).allowed).toBe(false);
  });

  it("other namespaces keep their egress (and default's ingress is untouched)", () => {
    expect(wget(idx, otherNs, "web", 80)).toMatchObject({ resolves: true, connects: true });
  });
});

describe("14 DENY external egress traffic", () => {
  const policies = recipePolicies("14-deny-external-egress-traffic.md");

  it("blocks the external address (`wget http://www.example.com` times out) but resolves names", () => {
    const idx = index(policies);
    expect(canReach(idx, ref(foo), EXAMPLE_COM, { port: 80 }).allowed).toBe(false);
    expect(wget(idx, foo, "web", 80).resolves).toBe(true);
  });

  it("DISAGREES with the recipe's prose: foo cannot reach `web` with this policy", () => {
    // The recipe says "(connection is allowed)" for `wget http://web:80`, but its
    // policy (this revision, 11f5018) only admits 53/udp+tcp to kube-dns: foo is
    // egress-isolated and no rule admits web:80 — the very policy of recipe 11,
    // where the recipe itself shows `wget http://web` timing out. The prose
    // predates the policy: revision fabe830 admitted `to: [{namespaceSelector: {}}]`
    // (all pods) plus 53/udp+tcp to anywhere, for which the prose is right (below).
    const r = wget(index(policies), foo, "web", 80);
    expect(r, r.explain).toMatchObject({ resolves: true, connects: false });
  });

  it("the earlier revision of the policy (all in-cluster pods + DNS anywhere) allows web and still blocks example.com", () => {
    const earlier = makePolicy("default", "foo-deny-external-egress", {
      podSelector: { matchLabels: { app: "foo" } },
      policyTypes: ["Egress"],
      egress: [{ ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] }, { to: [{ namespaceSelector: {} }] }],
    });
    const idx = index([earlier]);
    expect(wget(idx, foo, "web", 80)).toMatchObject({ resolves: true, connects: true });
    expect(canReach(idx, ref(foo), EXAMPLE_COM, { port: 80 }).allowed).toBe(false);
    expect(canReach(idx, ref(foo), { ip: "8.8.8.8" }, { port: 53, protocol: "UDP" }).allowed).toBe(true);
  });
});
