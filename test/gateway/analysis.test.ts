import { describe, expect, it } from "vitest";
import { Gateway, GatewayClass, HTTPRoute, ReferenceGrant } from "../../src/model/crds.js";
import { Namespace, Service } from "../../src/model/k8s.js";
import { analyzeGatewayAPI, type GatewayLayerAnalysis } from "../../src/facts/gateway/analysis.js";
import { hostnamesIntersect } from "../../src/facts/gateway/attachment.js";
import type { SecretEntry } from "../../src/model/model.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";

// A shared Gateway in `infra` as Envoy Gateway runs it: status written by the
// controller, listener status with attachedRoutes (shapes as `kubectl get -o yaml`).
const INFRA = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg, generation: 1}
spec:
  controllerName: gateway.envoyproxy.io/gatewayclass-controller
status:
  conditions:
  - type: Accepted
    status: "True"
    reason: Accepted
    message: Valid GatewayClass
    observedGeneration: 1
    lastTransitionTime: "2026-09-30T10:02:11Z"
---
apiVersion: v1
kind: Namespace
metadata:
  name: store
  labels: {kubernetes.io/metadata.name: store, shared-gateway-access: "true"}
---
apiVersion: v1
kind: Namespace
metadata:
  name: blog
  labels: {kubernetes.io/metadata.name: blog}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: shared-gw, namespace: infra, generation: 2}
spec:
  gatewayClassName: eg
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    allowedRoutes:
      namespaces: {from: Same}
  - name: https
    protocol: HTTPS
    port: 443
    hostname: "*.example.com"
    tls:
      mode: Terminate
      certificateRefs:
      - {kind: Secret, group: "", name: wildcard-example-com}
      - {kind: Secret, group: "", name: partner-cert, namespace: partners}
    allowedRoutes:
      namespaces:
        from: Selector
        selector:
          matchLabels: {shared-gateway-access: "true"}
status:
  addresses: [{type: IPAddress, value: 172.18.255.200}]
  conditions:
  - {type: Accepted, status: "True", reason: Accepted, message: The Gateway has been scheduled by Envoy Gateway, observedGeneration: 2, lastTransitionTime: "2026-09-30T10:02:15Z"}
  - {type: Programmed, status: "True", reason: Programmed, message: Address assigned to the Gateway, 1/1 envoy replicas available, observedGeneration: 2, lastTransitionTime: "2026-09-30T10:02:40Z"}
  listeners:
  - name: http
    attachedRoutes: 0
    supportedKinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}, {group: gateway.networking.k8s.io, kind: GRPCRoute}]
    conditions:
    - {type: Programmed, status: "True", reason: Programmed, message: Sending translated listener configuration to the data plane, observedGeneration: 2, lastTransitionTime: "2026-09-30T10:02:40Z"}
  - name: https
    attachedRoutes: 1
    supportedKinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}, {group: gateway.networking.k8s.io, kind: GRPCRoute}]
    conditions:
    - {type: ResolvedRefs, status: "False", reason: RefNotPermitted, message: "Certificate ref to secret partners/partner-cert not permitted by any ReferenceGrant", observedGeneration: 2, lastTransitionTime: "2026-09-30T10:02:40Z"}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: store}
spec:
  selector: {app: web}
  ports: [{name: http, port: 8080, targetPort: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: payments-api, namespace: payments}
spec:
  selector: {app: payments-api}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
`;

const SECRETS: SecretEntry[] = [{ namespace: "infra", name: "wildcard-example-com", type: "kubernetes.io/tls" }, { namespace: "partners", name: "partner-cert", type: "kubernetes.io/tls" }];

function analyze(extra: string, secrets: SecretEntry[] | undefined = SECRETS): GatewayLayerAnalysis {
  const docs = yamlDocs(INFRA + extra);
  return analyzeGatewayAPI({
    gatewayClasses: ofKind(docs, "GatewayClass", GatewayClass),
    gateways: ofKind(docs, "Gateway", Gateway),
    httpRoutes: ofKind(docs, "HTTPRoute", HTTPRoute),
    referenceGrants: ofKind(docs, "ReferenceGrant", ReferenceGrant),
    namespaces: ofKind(docs, "Namespace", Namespace),
    services: ofKind(docs, "Service", Service),
    secrets,
  });
}

// The HTTPRoute of the Envoy Gateway walk-through (index id 71149677888): accepted on the https
// listener, but its cross-namespace backend lacks a ReferenceGrant.
const SHOP_PAY = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop-pay, namespace: store, generation: 1}
spec:
  parentRefs:
  - {name: shared-gw, namespace: infra, sectionName: https}
  hostnames: [shop.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /pay}}]
    backendRefs:
    - {name: payments-api, namespace: payments, port: 80}
  - backendRefs:
    - {name: web, port: 8080, weight: 90}
    - {name: web-canary, port: 8080, weight: 10}
status:
  parents:
  - parentRef: {group: gateway.networking.k8s.io, kind: Gateway, name: shared-gw, namespace: infra, sectionName: https}
    controllerName: gateway.envoyproxy.io/gatewayclass-controller
    conditions:
    - {type: Accepted, status: "True", reason: Accepted, message: Route is accepted, observedGeneration: 1, lastTransitionTime: "2026-09-30T10:12:44Z"}
    - {type: ResolvedRefs, status: "False", reason: RefNotPermitted, message: "Backend ref to Service payments/payments-api not permitted by any ReferenceGrant", observedGeneration: 1, lastTransitionTime: "2026-09-30T10:12:44Z"}
`;

const GRANT = `
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-store-routes, namespace: payments}
spec:
  from:
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: store}
  to:
  - {group: "", kind: Service, name: payments-api}
`;

describe("GatewayClass and Gateway", () => {
  it("reads class acceptance, gateway conditions and listener faults", () => {
    const a = analyze("");
    expect(a.gatewayClasses[0]).toMatchObject({ controllerName: "gateway.envoyproxy.io/gatewayclass-controller", accepted: { status: "True", reason: "Accepted" } });
    const gw = a.gateways[0]!;
    expect(gw).toMatchObject({ className: "eg", classMissing: false, accepted: { status: "True" }, programmed: { status: "True" } });
    expect(gw.listeners.map((l) => [l.name, l.allowedNamespaces, l.allowedNamespaceSelector, l.attachedRoutes, l.failingConditions.map((c) => c.reason)])).toEqual([
      ["http", "Same", undefined, 0, []],
      ["https", "Selector", "shared-gateway-access=true", 1, ["RefNotPermitted"]],
    ]);
  });

  it("checks TLS certificateRefs: existence, type, and a ReferenceGrant for another namespace", () => {
    const refs = analyze("").gateways[0]!.listeners[1]!.certificateRefs;
    expect(refs.map((r) => [r.secret.namespace, r.secret.name, r.status])).toEqual([
      ["infra", "wildcard-example-com", "ok"],
      ["partners", "partner-cert", "ref-not-permitted"],
    ]);
    const granted = analyze(`
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-infra-gateways, namespace: partners}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
  to: [{group: "", kind: Secret}]
`, [{ namespace: "infra", name: "wildcard-example-com", type: "Opaque" }, { namespace: "partners", name: "partner-cert", type: "kubernetes.io/tls" }]);
    expect(granted.gateways[0]!.listeners[1]!.certificateRefs.map((r) => r.status)).toEqual(["wrong-type", "ok"]);
  });

  it("reports a Gateway whose GatewayClass does not exist", () => {
    const a = analyze(`
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: internal, namespace: infra}
spec:
  gatewayClassName: istio
  listeners: [{name: http, protocol: HTTP, port: 80}]
`);
    expect(a.gateways[1]).toMatchObject({ className: "istio", classMissing: true });
    expect(a.gateways[1]!.accepted).toBeUndefined();
  });
});

describe("HTTPRoute", () => {
  it("attaches shop-pay to the https listener and agrees with the controller's RefNotPermitted", () => {
    const route = analyze(SHOP_PAY).httpRoutes[0]!;
    expect(route.parents).toHaveLength(1);
    expect(route.parents[0]!.ref).toEqual({ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra", name: "shared-gw", sectionName: "https" });
    expect(route.parents[0]!.attachment).toEqual({ result: "Attached", gateway: { kind: "Gateway", namespace: "infra", name: "shared-gw" }, listeners: ["https"] });
    expect(route.parents[0]!.status).toMatchObject({
      controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
      accepted: { status: "True" },
      resolvedRefs: { status: "False", reason: "RefNotPermitted" },
      failing: [{ type: "ResolvedRefs", reason: "RefNotPermitted" }],
    });
    expect(route.backends.map((b) => [b.path, `${b.ref.namespace}/${b.ref.name}:${b.ref.port}`, b.result])).toEqual([
      ["spec.rules[0].backendRefs[0]", "payments/payments-api:80", "RefNotPermitted"],
      ["spec.rules[1].backendRefs[0]", "store/web:8080", "ok"],
      ["spec.rules[1].backendRefs[1]", "store/web-canary:8080", "BackendNotFound"],
    ]);
  });

  it("allows the cross-namespace backend once payments grants it, and names the grant", () => {
    const route = analyze(SHOP_PAY + GRANT).httpRoutes[0]!;
    expect(route.backends[0]).toMatchObject({ result: "ok", grant: { kind: "ReferenceGrant", namespace: "payments", name: "allow-store-routes" } });
  });

  it("does not accept a grant in the wrong namespace, from another namespace, for another Service, or for another kind", () => {
    const variants = [
      GRANT.replace("namespace: payments}", "namespace: store}"),
      GRANT.replace("namespace: store}", "namespace: blog}"),
      GRANT.replace("name: payments-api}", "name: payments-db}"),
      GRANT.replace("kind: HTTPRoute", "kind: GRPCRoute"),
    ];
    for (const v of variants) expect(analyze(SHOP_PAY + v).httpRoutes[0]!.backends[0]!.result, v).toBe("RefNotPermitted");
    // a grant without `to.name` covers every Service of the namespace
    expect(analyze(SHOP_PAY + GRANT.replace(", name: payments-api}", "}")).httpRoutes[0]!.backends[0]!.result).toBe("ok");
  });

  it("splits each rule's requests by weight (1 when unset, 0 receives none) and names rules by their first path match", () => {
    const route = analyze(`
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: store}
spec:
  parentRefs: [{name: shared-gw, namespace: infra}]
  rules:
  - matches: [{path: {type: Exact, value: /healthz}}, {path: {type: PathPrefix, value: /status}}]
    backendRefs: [{name: web, port: 8080, weight: 90}, {name: web-canary, port: 8080, weight: 10}, {name: web-next, port: 8080, weight: 0}]
  - backendRefs: [{name: web, port: 8080}, {name: web-canary, port: 8080}]
  - matches: [{headers: [{name: x-canary, value: "true"}]}]
    backendRefs: [{name: web, port: 8080, weight: 0}]
`).httpRoutes[0]!;
    expect(route.backends.map((b) => [b.rule, b.ref.name, b.share])).toEqual([
      [0, "web", 0.9],
      [0, "web-canary", 0.1],
      [0, "web-next", 0],
      [1, "web", 0.5],
      [1, "web-canary", 0.5],
      [2, "web", 0],
    ]);
    expect(route.rules).toEqual(["Exact /healthz and 1 more match", "PathPrefix /", "PathPrefix / + headers"]);
  });

  it("reports a backend port the Service does not expose, and a missing port", () => {
    const route = analyze(`
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: store}
spec:
  parentRefs: [{name: shared-gw, namespace: infra}]
  rules:
  - backendRefs: [{name: web, port: 80}, {name: web}, {group: multicluster.x-k8s.io, kind: ServiceImport, name: web, port: 80}]
`).httpRoutes[0]!;
    expect(route.backends.map((b) => [b.result, b.exposedPorts])).toEqual([
      ["PortNotExposed", ["http:8080/TCP"]],
      ["PortUnspecified", ["http:8080/TCP"]],
      ["UncheckedKind", []],
    ]);
  });

  it("explains why a route attaches nowhere: NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname, GatewayNotFound", () => {
    const route = (name: string, ns: string, parentRef: string, hostnames = "[shop.example.com]") => `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
  parentRefs: [${parentRef}]
  hostnames: ${hostnames}
  rules: [{backendRefs: [{name: web, port: 8080}]}]`;
    const a = analyze(
      route("typo-section", "store", "{name: shared-gw, namespace: infra, sectionName: http2}") +
        route("wrong-port", "store", "{name: shared-gw, namespace: infra, port: 8443}") +
        // blog lacks the shared-gateway-access label, and http admits only infra's own routes:
        // attaching across namespaces is governed by allowedRoutes, not by ReferenceGrants.
        route("blog", "blog", "{name: shared-gw, namespace: infra}") +
        route("other-domain", "store", "{name: shared-gw, namespace: infra, sectionName: https}", "[shop.example.net, example.com]") +
        route("no-gateway", "store", "{name: shared-gateway, namespace: infra}"),
    );
    expect(a.httpRoutes.map((r) => [r.route.name, r.parents[0]!.attachment.result])).toEqual([
      ["typo-section", "NoMatchingParent"],
      ["wrong-port", "NoMatchingParent"],
      ["blog", "NotAllowedByListeners"],
      ["other-domain", "NoMatchingListenerHostname"],
      ["no-gateway", "GatewayNotFound"],
    ]);
    // no status entry: no controller has processed these parents
    expect(a.httpRoutes.every((r) => r.parents[0]!.status === undefined)).toBe(true);
  });

  it("attaches a route without sectionName to every listener that admits it", () => {
    const a = analyze(`
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ops, namespace: infra}
spec:
  parentRefs: [{name: shared-gw}]
`);
    // infra is the Gateway's namespace (Same) but has no shared-gateway-access label (Selector)
    expect(a.httpRoutes[0]!.parents[0]!.attachment).toMatchObject({ result: "Attached", listeners: ["http"] });
  });

  it("checks a Service parent (GAMMA mesh routing) for existence only", () => {
    const a = analyze(`
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web-split, namespace: store}
spec:
  parentRefs: [{group: "", kind: Service, name: web, port: 8080}, {group: "", kind: Service, name: web-v2}]
`);
    expect(a.httpRoutes[0]!.parents.map((p) => p.attachment)).toEqual([
      { result: "ServiceParent", service: { kind: "Service", namespace: "store", name: "web" }, exists: true },
      { result: "ServiceParent", service: { kind: "Service", namespace: "store", name: "web-v2" }, exists: false },
    ]);
  });
});

describe("Gateway API hostname intersection", () => {
  it("treats a leading wildcard label as a suffix match on either side", () => {
    expect(hostnamesIntersect("*.example.com", "shop.example.com")).toBe(true);
    expect(hostnamesIntersect("*.example.com", "a.b.example.com")).toBe(true);
    expect(hostnamesIntersect("*.example.com", "example.com")).toBe(false);
    expect(hostnamesIntersect("shop.example.com", "*.example.com")).toBe(true);
    expect(hostnamesIntersect("*.example.com", "*.shop.example.com")).toBe(true);
    expect(hostnamesIntersect("Shop.Example.com", "shop.example.com")).toBe(true);
    expect(hostnamesIntersect("shop.example.com", "shop.example.net")).toBe(false);
  });
});
