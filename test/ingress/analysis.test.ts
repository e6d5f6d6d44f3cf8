import { describe, expect, it } from "vitest";
import { Ingress, IngressClass, Pod, Service } from "../../src/model/k8s.js";
import { analyzeIngresses, type IngressLayerAnalysis } from "../../src/facts/ingress/analysis.js";
import type { SecretEntry } from "../../src/model/model.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";

const CLUSTER = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: v1
kind: Pod
metadata:
  name: ingress-nginx-controller-5d88495688-4xqzv
  namespace: ingress-nginx
  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller, app.kubernetes.io/instance: ingress-nginx}
spec:
  containers:
  - name: controller
    image: registry.k8s.io/ingress-nginx/controller:v1.9.4
    args: [/nginx-ingress-controller, --controller-class=k8s.io/ingress-nginx, --ingress-class=nginx]
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
`;

function analyze(extra = "", secrets: SecretEntry[] = [{ namespace: "shop", name: "shop-tls", type: "kubernetes.io/tls" }]): IngressLayerAnalysis {
  const docs = yamlDocs(CLUSTER + extra);
  return analyzeIngresses({
    ingresses: ofKind(docs, "Ingress", Ingress),
    ingressClasses: ofKind(docs, "IngressClass", IngressClass),
    services: ofKind(docs, "Service", Service),
    pods: ofKind(docs, "Pod", Pod),
    secrets,
  });
}

/** Every problem the analysis raises for one Ingress, as short strings. */
function problems(a: IngressLayerAnalysis["ingresses"][number]): string[] {
  return [
    ...a.serviceBackends.filter((b) => b.problem).map((b) => `${b.problem}:${b.backend.service}`),
    ...(a.class.problem ? [a.class.problem] : []),
    ...(a.controller && a.controller.status !== "ready" ? [`controller-${a.controller.status}`] : []),
    ...a.tls.filter((t) => t.status !== "ok" && t.status !== "default-certificate").map((t) => `tls-${t.status}:${t.secretName}`),
    ...a.conflicts.map((c) => `conflict:${c.host}${c.path}`),
  ];
}

describe("Ingress layer analysis", () => {
  it("keeps a healthy cluster clean", () => {
    const a = analyze();
    expect(a.ingresses).toHaveLength(1);
    expect(problems(a.ingresses[0]!)).toEqual([]);
    expect(a.ingresses[0]!.controller).toMatchObject({ kind: "ingress-nginx", readyPods: 1, status: "ready" });
  });

  it("reports every fault of a second, broken Ingress and the conflict it creates, without blaming the healthy one for anything else", () => {
    const a = analyze(`
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop-canary, namespace: shop}
spec:
  tls: [{hosts: [shop.example.com], secretName: shop-canary-tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web-canary, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
`);
    const [shop, canary] = a.ingresses;
    expect(problems(canary!)).toEqual(["service-missing:web-canary", "port-not-exposed:web", "tls-missing:shop-canary-tls", "conflict:shop.example.com/"]);
    // the classless canary is served by the default class, so it competes with shop for shop.example.com/
    expect(canary!.class).toMatchObject({ source: "default", className: "nginx" });
    expect(problems(shop!)).toEqual(["conflict:shop.example.com/"]);
  });
});
