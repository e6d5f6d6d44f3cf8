import { describe, expect, it } from "vitest";
import { DestinationRule, PeerAuthentication, VirtualService } from "../../src/model/crds.js";
import { Service } from "../../src/model/k8s.js";
import { analyzeMesh, type MeshLayerAnalysis } from "../../src/facts/mesh/analysis.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";
import { meshPod, namespace, type PodOptions } from "./_pods.js";

const CONFIG = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 75}
    - {destination: {host: reviews, subset: v2}, weight: 25}
`;

function analyze(extraPods: [string, string, PodOptions][] = [], config = CONFIG): MeshLayerAnalysis {
  const docs = yamlDocs(config);
  const pods = [
    meshPod("reviews-v1-5d9c7b8f4-abcde", "bookinfo", { labels: { app: "reviews", version: "v1" }, proxy: "istio" }),
    meshPod("reviews-v2-6f8d9c7b5-fghij", "bookinfo", { labels: { app: "reviews", version: "v2" }, proxy: "istio-native" }),
    meshPod("istiod-7f9c8d6b5-xk2lp", "istio-system", { labels: { app: "istiod", istio: "pilot", "sidecar.istio.io/inject": "false" } }),
    meshPod("coredns-5d78c9869d-x2k4q", "kube-system"),
    meshPod("migrate-db-x7k2p", "bookinfo", { phase: "Succeeded" }),
    ...extraPods.map(([n, ns, o]) => meshPod(n, ns, o)),
  ];
  return analyzeMesh({
    pods,
    namespaces: [namespace("bookinfo", { "istio-injection": "enabled" }), namespace("istio-system"), namespace("kube-system"), namespace("reports")],
    services: ofKind(docs, "Service", Service),
    peerAuthentications: ofKind(docs, "PeerAuthentication", PeerAuthentication),
    virtualServices: ofKind(docs, "VirtualService", VirtualService),
    destinationRules: ofKind(docs, "DestinationRule", DestinationRule),
  });
}

function problems(a: MeshLayerAnalysis): string[] {
  return [
    ...a.istio.filter((m) => m.mismatch).map((m) => `${m.mismatch}:${m.pod.name}`),
    ...a.linkerd.filter((m) => m.mismatch).map((m) => `${m.mismatch}:${m.pod.name}`),
    ...a.strictPlaintext.map((r) => `strict-plaintext:${r.server.name}<-${r.clients.map((c) => c.namespace).join(",")}`),
    ...a.virtualServices.flatMap((v) => [...v.destinations.filter((d) => d.result !== "ok").map((d) => `${d.result}:${d.subset}`), ...v.weights.filter((w) => w.problem).map((w) => `${w.problem}:${w.sum}`)]),
    ...a.destinationRules.flatMap((d) => [...(d.hostKind === "service" ? [] : [`dr-host-${d.hostKind}`]), ...d.emptySubsets.map((s) => `empty-subset:${s}`), ...d.failoverWithoutOutlierDetection.map((f) => `failover:${f.setting}`)]),
  ];
}

describe("mesh layer analysis", () => {
  it("keeps a fully meshed STRICT bookinfo clean (terminal pods, istiod and kube-system are not clients)", () => {
    const a = analyze();
    expect(problems(a)).toEqual([]);
    expect(a.mtls.map((m) => [m.pod.name, m.mode])).toEqual([
      ["reviews-v1-5d9c7b8f4-abcde", "STRICT"],
      ["reviews-v2-6f8d9c7b5-fghij", "STRICT"],
    ]);
    expect(a.istio.map((m) => m.pod.name)).not.toContain("migrate-db-x7k2p");
  });

  it("connects the faults: an unmeshed reports namespace and a pod that missed injection send plaintext to STRICT reviews", () => {
    const a = analyze([
      ["report-gen-1", "reports", {}],
      ["reviews-v1-5d9c7b8f4-zzzzz", "bookinfo", { labels: { app: "reviews", version: "v1" } }],
    ]);
    expect(problems(a)).toEqual([
      "sidecar-missing:reviews-v1-5d9c7b8f4-zzzzz",
      "strict-plaintext:reviews-v1-5d9c7b8f4-abcde<-bookinfo,reports",
      "strict-plaintext:reviews-v2-6f8d9c7b5-fghij<-bookinfo,reports",
    ]);
  });
});
