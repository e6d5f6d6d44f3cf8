import { describe, expect, it } from "vitest";
import { Ingress, Service } from "../../src/model/k8s.js";
import { enumerateBackends, indexServices, resolveBackends, serviceForNginxUpstream } from "../../src/facts/ingress/backends.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";
import { realdata } from "../helpers/realdata.js";

function load(src: string) {
  const docs = yamlDocs(src);
  return { ingresses: ofKind(docs, "Ingress", Ingress), services: indexServices(ofKind(docs, "Service", Service)) };
}

describe("Ingress backends: conformance with kube-score", () => {
  it('ingress-networkingv1-targets-service-no-match.yaml: "Ingress targets Service" is critical because /no-match names a missing Service', () => {
    const { ingresses, services } = load(realdata("k8s_objects/kube-score_testdata/ingress-networkingv1-targets-service-no-match.yaml"));
    expect(realdata("k8s_objects/kube-score_testdata/EXPECTED.txt")).toMatch(/ingress-networkingv1-targets-service-no-match\.yaml\s+check "Ingress targets Service"\s+=> GradeCritical/);
    const resolved = resolveBackends(ingresses[0]!, services);
    expect(resolved.map((r) => ({ path: r.backend.httpPath, service: r.backend.service, problem: r.problem ?? "ok" }))).toEqual([
      { path: "/app", service: "app-service", problem: "ok" },
      { path: "/no-match", service: "app-service-123123", problem: "service-missing" },
    ]);
    expect(resolved[0]!.servicePort).toMatchObject({ name: "http", port: 5601 });
    expect(resolved[1]!.backend.path).toBe("spec.rules[0].http.paths[1].backend");
  });
});

const SHOP = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  uid: 0b9c3c52-3c1e-4a5e-9d4e-5f1f3e2a7c11
  resourceVersion: "48211"
  creationTimestamp: "2026-11-20T09:12:44Z"
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  ingressClassName: nginx
  defaultBackend:
    service:
      name: shop-default
      port:
        number: 80
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              name: http
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 8080
      - path: /static
        pathType: ImplementationSpecific
        backend:
          resource:
            apiGroup: k8s.example.com
            kind: StorageBucket
            name: static-assets
status:
  loadBalancer:
    ingress:
    - ip: 203.0.113.10
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: ClusterIP
  clusterIP: 10.96.14.2
  selector:
    app: web
  ports:
  - name: web
    port: 80
    protocol: TCP
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  type: ClusterIP
  clusterIP: 10.96.14.3
  selector:
    app: api
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: shop-default
  namespace: other
spec:
  selector:
    app: default-backend
  ports:
  - port: 80
    targetPort: 8080
`;

describe("Ingress backends", () => {
  const { ingresses, services } = load(SHOP);
  const shop = ingresses[0]!;

  it("enumerates the default backend, then every rule path, with service and resource backends told apart", () => {
    expect(enumerateBackends(shop).map((b) => [b.path, b.kind, b.host, b.httpPath])).toEqual([
      ["spec.defaultBackend", "service", "", undefined],
      ["spec.rules[0].http.paths[0].backend", "service", "shop.example.com", "/"],
      ["spec.rules[0].http.paths[1].backend", "service", "shop.example.com", "/api"],
      ["spec.rules[0].http.paths[2].backend", "resource", "shop.example.com", "/static"],
    ]);
  });

  it("looks Services up in the Ingress's own namespace only, and ports by Service port (not targetPort) or by name", () => {
    const byPath = Object.fromEntries(resolveBackends(shop, services).map((r) => [r.backend.httpPath ?? "default", r]));
    // shop-default exists, but in namespace "other": an Ingress cannot reach it.
    expect(byPath["default"]!.problem).toBe("service-missing");
    // port name "http" vs the Service's only port named "web".
    expect(byPath["/"]!.problem).toBe("port-not-exposed");
    expect(byPath["/"]!.exposedPorts).toEqual(["web:80/TCP"]);
    // 8080 is the targetPort; the Service port is 80.
    expect(byPath["/api"]!.problem).toBe("port-not-exposed");
    expect(byPath["/api"]!.service).toEqual({ kind: "Service", namespace: "shop", name: "api" });
    // the resource backend is not a Service and is not resolved here.
    expect(Object.keys(byPath)).toHaveLength(3);
  });

  it("accepts matching ports by number and by name", () => {
    const fixed = Ingress.parse({
      ...shop,
      spec: {
        rules: [{ host: "shop.example.com", http: { paths: [
          { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "web" } } } },
          { path: "/api", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } },
        ] } }],
      },
    });
    const resolved = resolveBackends(fixed, services);
    expect(resolved.map((r) => r.problem)).toEqual([undefined, undefined]);
    expect(resolved.map((r) => r.servicePort?.targetPort)).toEqual([8080, 8080]);
  });

  it("does not check ports of a port-less ExternalName Service", () => {
    const { ingresses: ings, services: svcs } = load(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ext, namespace: shop}
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: payments, port: {number: 443}}}
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: shop}
spec:
  type: ExternalName
  externalName: payments.example.net
`);
    const [r] = resolveBackends(ings[0]!, svcs);
    expect(r!.problem).toBeUndefined();
    expect(r!.note).toMatch(/ExternalName/);
  });
});

describe("ingress-nginx upstream names back to Services", () => {
  const services = indexServices(
    yamlDocs(`
apiVersion: v1
kind: Service
metadata: {name: esgf-search, namespace: default}
spec: {ports: [{port: 8080, name: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: esgf, namespace: default}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{port: 80, name: http-metrics}]}
`).map((d) => Service.parse(d)),
  );

  it("decodes `[default-esgf-search-8080]` (access log of kubernetes/ingress-nginx#12196) to the longer Service name", () => {
    expect(serviceForNginxUpstream("default-esgf-search-8080", services)).toEqual({
      service: { kind: "Service", namespace: "default", name: "esgf-search" },
      port: "8080",
      portExposed: true,
    });
  });

  it("decodes a named port containing a dash, and a port the Service does not expose", () => {
    expect(serviceForNginxUpstream("shop-web-http-metrics", services)?.port).toBe("http-metrics");
    expect(serviceForNginxUpstream("default-esgf-9000", services)).toMatchObject({ service: { name: "esgf" }, portExposed: false });
  });

  it("returns nothing for the controller's own upstreams", () => {
    expect(serviceForNginxUpstream("upstream-default-backend", services)).toBeUndefined();
  });
});
