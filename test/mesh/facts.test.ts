/**
 * The mesh fact builder on small snapshots: which subjects it yields and the
 * facts the rules test, for Istio and Linkerd shapes.
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/model/build.js";
import { meshFacts } from "../../src/facts/mesh.js";
import { meshPod, namespace } from "./_pods.js";

function facts(resources: Record<string, unknown[]>, logs: Record<string, string> = {}) {
  const files = new Map<string, Buffer>();
  for (const [plural, items] of Object.entries(resources)) files.set(`resources/${plural}.json`, Buffer.from(JSON.stringify({ apiVersion: "v1", kind: "List", items })));
  for (const [path, text] of Object.entries(logs)) files.set(path, Buffer.from(text));
  const model = buildModel({ source: "t", warnings: [], files });
  const subjects = [...meshFacts.build(model)];
  const of = (kind: string, name: string) => subjects.find((s) => s.kind === kind && s.subject.name === name)?.values ?? {};
  return { of, notes: meshFacts.notes!(model), subjects };
}

const service = (name: string, ns: string, clusterIP: string, selector: Record<string, string>) => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { clusterIP, clusterIPs: [clusterIP], selector, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }] } });
const strict = (ns: string, name = "default", extra: Record<string, unknown> = {}) => ({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name, namespace: ns, creationTimestamp: "2026-11-01T00:00:00Z" }, spec: { mtls: { mode: "STRICT" }, ...extra } });

describe("mesh facts: injection", () => {
  it("reports Linkerd-annotated namespaces whose pods lack linkerd-proxy, and respects a pod opting out", () => {
    const { of } = facts({
      namespaces: [namespace("emojivoto", {}, { "linkerd.io/inject": "enabled" }), namespace("tools")],
      pods: [
        meshPod("web-7d4b9c-abcde", "emojivoto", { labels: { app: "web" } }),
        meshPod("voting-5f6d-fghij", "emojivoto", { labels: { app: "voting" }, proxy: "linkerd" }),
        meshPod("job-1", "emojivoto", { annotations: { "linkerd.io/inject": "disabled" } }),
        meshPod("debug-1", "tools"),
      ],
    });
    expect(of("Namespace", "emojivoto")).toMatchObject({ "mesh.injection": "linkerd.io/inject=enabled", "mesh.podsWithoutSidecar": 1, "mesh.missingSidecars": [{ proxy: "linkerd-proxy", pods: 1, decidedBy: "namespace annotation linkerd.io/inject=enabled" }] });
    expect(of("Namespace", "tools")["mesh.workloadsWithoutSidecar"]).toEqual([]);
  });

  it("counts native sidecars as injected and stays silent on clusters without a mesh", () => {
    const meshed = facts({ namespaces: [namespace("shop", { "istio-injection": "enabled" })], pods: [meshPod("web-1", "shop", { proxy: "istio-native" })] });
    expect(meshed.of("Namespace", "shop")["mesh.workloadsWithoutSidecar"]).toEqual([]);
    const plain = facts({ namespaces: [namespace("shop")], pods: [meshPod("web-1", "shop")] });
    expect(plain.subjects).toEqual([]);
    expect(plain.notes).toEqual([]);
  });
});

describe("mesh facts: STRICT servers and their plaintext clients", () => {
  const base = {
    namespaces: [namespace("shop", { "istio-injection": "enabled" }), namespace("reports"), namespace("istio-system")],
    services: [service("api", "shop", "10.96.0.23", { app: "api" })],
  };
  const api = meshPod("api-1", "shop", { labels: { app: "api" }, proxy: "istio" });

  it("names the unmeshed workload whose env calls the STRICT Service, and counts its resets", () => {
    const client = meshPod("report-gen-1", "reports", { labels: { app: "report-gen" } });
    (client.spec.containers[0] as { env?: unknown }).env = [{ name: "ORDERS_API", value: "http://api.shop.svc.cluster.local/v1" }];
    const { of } = facts(
      { ...base, pods: [api, client], peerauthentications: [strict("istio-system")] },
      { "logs/reports/report-gen-1/app.log": "fetch: read tcp 10.244.1.12:48312->10.96.0.23:80: read: connection reset by peer\n" },
    );
    expect(of("PeerAuthentication", "default")).toMatchObject({
      "mesh.scope": "mesh",
      "mesh.strictServices": [{ kind: "Service", namespace: "shop", name: "api" }],
      "mesh.refusedServices": [{ kind: "Service", namespace: "shop", name: "api" }],
      "mesh.plaintextClients": [{ kind: "Pod", namespace: "reports", name: "report-gen-1" }],
      "mesh.clientResetLines": 1,
      "mesh.unmeshedNamespaces": [],
    });
  });

  it("falls back to unmeshed namespaces when no caller is seen, and ignores ports the sidecar does not intercept", () => {
    const quiet = facts({ ...base, pods: [api, meshPod("report-gen-1", "reports")], peerauthentications: [strict("shop")] });
    expect(quiet.of("PeerAuthentication", "default")).toMatchObject({ "mesh.scope": "namespace", "mesh.plaintextClients": [], "mesh.unmeshedNamespaces": [{ kind: "Namespace", name: "reports" }] });
    const bypassed = meshPod("api-1", "shop", { labels: { app: "api" }, proxy: "istio", annotations: { "traffic.sidecar.istio.io/excludeInboundPorts": "8080" } });
    const open = facts({ ...base, pods: [bypassed], peerauthentications: [strict("shop")] });
    expect(open.of("PeerAuthentication", "default")["mesh.strictServices"]).toEqual([]);
    expect(open.notes.join("\n")).toMatch(/shop\/api:80 → 8080/);
  });

  it("attributes a port-level STRICT to the workload policy", () => {
    const policy = strict("shop", "api-port", { selector: { matchLabels: { app: "api" } }, mtls: { mode: "PERMISSIVE" }, portLevelMtls: { 8080: { mode: "STRICT" } } });
    const { of } = facts({ ...base, pods: [api], peerauthentications: [policy] });
    expect(of("PeerAuthentication", "api-port")).toMatchObject({ "mesh.scope": "workload", "mesh.selector": "app=api", "mesh.strictPorts": ["shop/api:80 → 8080"] });
  });
});
