import { describe, expect, it } from "vitest";
import { DestinationRule, VirtualService } from "../../src/model/crds.js";
import { Service } from "../../src/model/k8s.js";
import { analyzeDestinationRule, analyzeVirtualService, indexServicesByFqdn, resolveIstioHost } from "../../src/facts/mesh/routing.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";
import { meshPod } from "./_pods.js";

// Bookinfo's reviews routing (istio/istio samples/bookinfo/networking), in namespace bookinfo.
const BOOKINFO = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo, labels: {app: reviews, service: reviews}}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080, targetPort: 9080, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: bookinfo}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: RANDOM}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
  - name: v3
    labels: {version: v3}
`;

function load(extra: string) {
  const docs = yamlDocs(BOOKINFO + extra);
  return {
    vs: ofKind(docs, "VirtualService", VirtualService),
    drs: ofKind(docs, "DestinationRule", DestinationRule),
    services: indexServicesByFqdn(ofKind(docs, "Service", Service)),
  };
}

describe("Istio host resolution", () => {
  it("expands only dotless short names, against the rule's namespace", () => {
    expect(resolveIstioHost("reviews", "bookinfo")).toBe("reviews.bookinfo.svc.cluster.local");
    expect(resolveIstioHost("reviews.bookinfo", "shop")).toBe("reviews.bookinfo");
    expect(resolveIstioHost("reviews.bookinfo.svc.cluster.local", "shop")).toBe("reviews.bookinfo.svc.cluster.local");
    expect(resolveIstioHost("*", "shop")).toBe("*");
    expect(resolveIstioHost("reviews", "bookinfo", "corp.internal")).toBe("reviews.bookinfo.svc.corp.internal");
  });
});

describe("VirtualService destinations and weights", () => {
  const REVIEWS_VS = `
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route:
    - destination: {host: reviews, subset: v2}
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 50
    - destination: {host: reviews, subset: v3}
      weight: 50
`;

  it("keeps bookinfo's reviews routing clean", () => {
    const { vs, drs, services } = load(REVIEWS_VS);
    const a = analyzeVirtualService(vs[0]!, drs, services);
    expect(a.destinations.map((d) => [d.path, d.fqdn, d.subset, d.result])).toEqual([
      ["spec.http[0].route[0].destination", "reviews.bookinfo.svc.cluster.local", "v2", "ok"],
      ["spec.http[1].route[0].destination", "reviews.bookinfo.svc.cluster.local", "v1", "ok"],
      ["spec.http[1].route[1].destination", "reviews.bookinfo.svc.cluster.local", "v3", "ok"],
    ]);
    expect(a.weights).toEqual([{ path: "spec.http[1]", weights: [50, 50], sum: 100 }]);
  });

  it("reports a subset no DestinationRule defines, naming the subsets that exist", () => {
    const { vs, drs, services } = load(REVIEWS_VS.replace("subset: v3", "subset: v4"));
    const d = analyzeVirtualService(vs[0]!, drs, services).destinations[2]!;
    expect(d).toMatchObject({ result: "subset-undefined", subset: "v4", knownSubsets: ["v1", "v2", "v3"], destinationRules: [{ kind: "DestinationRule", namespace: "bookinfo", name: "reviews" }] });
  });

  it("reports a subset for a host without any DestinationRule, and a cluster host with no Service", () => {
    const { vs, drs, services } = load(`
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings, namespace: bookinfo}
spec:
  hosts: [ratings]
  http:
  - route: [{destination: {host: ratings, subset: v1}}]
  - route: [{destination: {host: rating, subset: v1}}]
  - route: [{destination: {host: httpbin.org}}]
`);
    expect(analyzeVirtualService(vs[0]!, drs, services).destinations.map((d) => d.result)).toEqual(["no-destination-rule", "service-not-found", "ok"]);
  });

  it("does not see a DestinationRule exported only to its own namespace from another one", () => {
    const { vs, drs, services } = load(`
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: ratings, namespace: bookinfo}
spec:
  host: ratings.bookinfo.svc.cluster.local
  exportTo: ["."]
  subsets: [{name: v1, labels: {version: v1}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings.bookinfo.svc.cluster.local]
  http:
  - route: [{destination: {host: ratings.bookinfo.svc.cluster.local, subset: v1}}]
`);
    expect(analyzeVirtualService(vs[0]!, drs, services).destinations[0]!.result).toBe("no-destination-rule");
    const own = ofKind(yamlDocs(`apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings, namespace: bookinfo}
spec:
  http:
  - route: [{destination: {host: ratings, subset: v1}}]
`), "VirtualService", VirtualService);
    expect(analyzeVirtualService(own[0]!, drs, services).destinations[0]!.result).toBe("ok");
  });

  it("finds a subset through a namespace wildcard DestinationRule in another namespace", () => {
    const { vs, drs, services } = load(`
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: all-bookinfo, namespace: istio-system}
spec:
  host: "*.bookinfo.svc.cluster.local"
  subsets: [{name: canary, labels: {track: canary}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings.bookinfo.svc.cluster.local]
  http:
  - route: [{destination: {host: ratings.bookinfo.svc.cluster.local, subset: canary}}]
`);
    expect(analyzeVirtualService(vs[0]!, drs, services).destinations[0]).toMatchObject({ result: "ok", destinationRules: [{ name: "all-bookinfo" }] });
  });

  it("flags weights that do not sum to 100, counting a destination without weight as 0, but not all-omitted or single ones", () => {
    const { vs, drs, services } = load(`
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 80}
    - {destination: {host: reviews, subset: v2}, weight: 30}
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 90}
    - {destination: {host: reviews, subset: v2}}
  - route:
    - {destination: {host: reviews, subset: v1}}
    - {destination: {host: reviews, subset: v2}}
  - route:
    - {destination: {host: reviews, subset: v3}, weight: 40}
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 100}
    - {destination: {host: reviews, subset: v2}}
  tcp:
  - route:
    - {destination: {host: reviews, port: {number: 9080}}, weight: 10}
    - {destination: {host: reviews, port: {number: 9080}}, weight: 10}
`);
    expect(analyzeVirtualService(vs[0]!, drs, services).weights.map((w) => [w.path, w.weights, w.sum, w.problem])).toEqual([
      ["spec.http[0]", [80, 30], 110, "sum-not-100"],
      ["spec.http[1]", [90, null], 90, "sum-not-100"],
      ["spec.http[2]", [null, null], 0, undefined],
      ["spec.http[4]", [100, null], 100, undefined],
      ["spec.tcp[0]", [10, 10], 20, "sum-not-100"],
    ]);
  });
});

describe("DestinationRule checks", () => {
  const pods = [meshPod("reviews-v1-5d9c7b8f4-abcde", "bookinfo", { labels: { app: "reviews", version: "v1" }, proxy: "istio" }), meshPod("reviews-v2-6f8d9c7b5-fghij", "bookinfo", { labels: { app: "reviews", version: "v2" }, proxy: "istio" })];

  it("resolves the host to its Service and names subsets that select no pod", () => {
    const { drs, services } = load("");
    expect(analyzeDestinationRule(drs[0]!, services, pods)).toMatchObject({ fqdn: "reviews.bookinfo.svc.cluster.local", hostKind: "service", emptySubsets: ["v3"], failoverWithoutOutlierDetection: [] });
  });

  it("tells a missing cluster Service from an external host", () => {
    const { drs, services } = load(`
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: detail, namespace: bookinfo}
spec: {host: detail}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: httpbin-ext, namespace: bookinfo}
spec: {host: httpbin.org, trafficPolicy: {tls: {mode: SIMPLE}}}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: shop-all, namespace: bookinfo}
spec: {host: "*.shop.svc.cluster.local"}
`);
    expect(drs.slice(1).map((d) => analyzeDestinationRule(d, services, pods).hostKind)).toEqual(["missing", "external", "wildcard-matches-nothing"]);
  });

  // The helloworld locality failover example of istio.io (tasks/traffic-management/locality-load-balancing/failover).
  const FAILOVER = `
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: helloworld, namespace: sample}
spec:
  host: helloworld.sample.svc.cluster.local
  trafficPolicy:
    connectionPool:
      http: {maxRequestsPerConnection: 1}
    loadBalancer:
      simple: ROUND_ROBIN
      localityLbSetting:
        enabled: true
        failover:
        - {from: region1, to: region2}
    outlierDetection:
      consecutive5xxErrors: 1
      interval: 1s
      baseEjectionTime: 1m
`;

  it("accepts locality failover with outlierDetection (the istio.io example)", () => {
    const { drs, services } = load(FAILOVER);
    expect(analyzeDestinationRule(drs[1]!, services, pods).failoverWithoutOutlierDetection).toEqual([]);
  });

  it("reports failover and failoverPriority that can never trigger without outlierDetection, at every policy level", () => {
    const withoutOutlier = FAILOVER.replace(/ {4}outlierDetection:\n(?: {6}.*\n)+/, "");
    const { drs, services } = load(`${withoutOutlier}    portLevelSettings:
    - port: {number: 9080}
      loadBalancer:
        localityLbSetting:
          failoverPriority: [topology.istio.io/network, topology.kubernetes.io/region]
  subsets:
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer:
        localityLbSetting: {enabled: false, failover: [{from: region1, to: region3}]}
`);
    expect(analyzeDestinationRule(drs[1]!, services, pods).failoverWithoutOutlierDetection).toEqual([
      { path: "spec.trafficPolicy.loadBalancer.localityLbSetting", setting: "failover" },
      { path: "spec.trafficPolicy.portLevelSettings[0].loadBalancer.localityLbSetting", setting: "failoverPriority" },
    ]);
  });

  it("lets a subset inherit the top-level outlierDetection", () => {
    const { drs, services } = load(`${FAILOVER}  subsets:
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          failover: [{from: region1, to: region3}]
`);
    expect(analyzeDestinationRule(drs[1]!, services, pods).failoverWithoutOutlierDetection).toEqual([]);
  });
});
