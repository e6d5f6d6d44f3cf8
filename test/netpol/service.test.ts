/**
 * Traffic to a Service: policies see the backend pod and its targetPort
 * (after kube-proxy DNAT), never the Service port or ClusterIP.
 */
import { describe, expect, it } from "vitest";
import { buildPolicyIndex, canReachService, explainServiceVerdict } from "../../src/facts/netpol/index.js";
import { makeNamespace, makePod, makePolicy, makeService } from "./objects.js";

const namespaces = [makeNamespace("shop"), makeNamespace("monitoring")];
// Two generations of the api Deployment during a rollout: "http" moved from 8000 to 8080.
const apiOld = makePod({ namespace: "shop", name: "api-5f9c7b8d4-q2kzt", labels: { app: "api", version: "v1" }, ips: ["10.244.1.11"], ports: [["http", 8000], ["metrics", 9090]] });
const apiNew = makePod({ namespace: "shop", name: "api-7c6d5f9b8-m4xvp", labels: { app: "api", version: "v2" }, ips: ["10.244.1.12"], ports: [["http", 8080], ["metrics", 9090]] });
const apiBroken = makePod({ namespace: "shop", name: "api-6b8f4c7d9-zz8wq", labels: { app: "api", version: "v3" }, ips: ["10.244.1.13"], ports: [["web", 8080]] });
const web = makePod({ namespace: "shop", labels: { app: "web" }, ips: ["10.244.2.10"] });
const prometheus = makePod({ namespace: "monitoring", labels: { app: "prometheus" }, ips: ["10.244.2.30"] });
const done = makePod({ namespace: "shop", name: "api-migrate-8kq2c", labels: { app: "api", version: "v1" }, phase: "Succeeded" });

const services = [
  makeService("shop", "api", { app: "api" }, [{ name: "http", port: 80, targetPort: "http" }, { name: "metrics", port: 9090, targetPort: 9090 }], "10.96.12.34"),
  makeService("shop", "legacy-db", null, [{ port: 5432 }]),
];

const allowHttpFromWeb = makePolicy("shop", "api-allow-web", {
  podSelector: { matchLabels: { app: "api" } },
  ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: 8000 }] }],
});

const ref = (pod: typeof web) => ({ namespace: pod.metadata.namespace!, name: pod.metadata.name });

describe("Service port -> targetPort per backend pod", () => {
  const index = buildPolicyIndex({ pods: [apiOld, apiNew, apiBroken, web, prometheus, done], namespaces, policies: [allowHttpFromWeb], services });

  it("resolves a named targetPort on each backend and evaluates the pod port, not the Service port", () => {
    const v = canReachService(index, ref(web), { namespace: "shop", name: "api" }, 80);
    expect(v.servicePort).toEqual({ name: "http", port: 80, protocol: "TCP", targetPort: "http" });
    const byPod = Object.fromEntries(v.backends.map((b) => [b.pod.name, [b.targetPort, b.verdict?.allowed ?? null]]));
    expect(byPod).toEqual({
      "api-5f9c7b8d4-q2kzt": [8000, true], // policy admits 8000
      "api-7c6d5f9b8-m4xvp": [8080, false], // rollout moved http to 8080: the policy no longer admits it
      "api-6b8f4c7d9-zz8wq": [null, null], // no port named http: not an endpoint for this port
    });
    expect(v.allowed).toBe(true);
    expect(v.allowedBackends).toBe(1);
    expect(explainServiceVerdict(v).join("\n")).toContain("1/3 backends admit the connection");
  });

  it("accepts the Service port by name and leaves terminated pods out", () => {
    const v = canReachService(index, ref(prometheus), { namespace: "shop", name: "api" }, "metrics");
    expect(v.backends.map((b) => b.pod.name).sort()).toEqual(["api-5f9c7b8d4-q2kzt", "api-6b8f4c7d9-zz8wq", "api-7c6d5f9b8-m4xvp"]);
    expect(v.backends.every((b) => b.targetPort === 9090 && b.verdict?.allowed === false)).toBe(true);
    expect(v.allowed).toBe(false);
  });

  it("says a selector-less Service cannot be evaluated", () => {
    const v = canReachService(index, ref(web), { namespace: "shop", name: "legacy-db" }, 5432);
    expect(v.backends).toEqual([]);
    expect(v.notes.map((n) => n.code)).toEqual(["service-without-selector"]);
  });

  it("rejects unknown Services and ports", () => {
    expect(() => canReachService(index, ref(web), { namespace: "shop", name: "nope" }, 80)).toThrow(/not in the snapshot/);
    expect(() => canReachService(index, ref(web), { namespace: "shop", name: "api" }, 81)).toThrow(/no port 81/);
  });
});

describe("an egress ipBlock naming the ClusterIP does not admit Service traffic", () => {
  const policies = [makePolicy("shop", "web-egress-to-service-cidr", {
    podSelector: { matchLabels: { app: "web" } },
    policyTypes: ["Egress"],
    egress: [{ to: [{ ipBlock: { cidr: "10.96.0.0/12" } }], ports: [{ port: 80 }] }],
  })];
  const index = buildPolicyIndex({ pods: [apiOld, web], namespaces, policies, services });

  it("says nothing when the block also holds the backends' pod IPs (it does admit them)", () => {
    const wide = makePolicy("shop", "web-egress-10-8", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }] });
    const v = canReachService(buildPolicyIndex({ pods: [apiOld, web], namespaces, policies: [wide], services }), ref(web), { namespace: "shop", name: "api" }, 80);
    expect(v.allowed).toBe(true);
    expect(v.notes.map((n) => n.code)).not.toContain("service-ip-in-ipblock");
  });

  it("denies, and explains why", () => {
    const v = canReachService(index, ref(web), { namespace: "shop", name: "api" }, 80);
    expect(v.allowed).toBe(false);
    expect(v.backends[0]!.verdict!.egress.reason).toBe("no-rule-admits");
    expect(v.notes.map((n) => n.code)).toContain("service-ip-in-ipblock");
  });
});
