import { describe, expect, it } from "vitest";
import { IngressClass, Pod } from "../../src/model/k8s.js";
import { classifyControllerPod, controllerKindFor, controllersForClass, findControllerPods } from "../../src/facts/ingress/controllers.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";

/** A pod as `kubectl get pod -o yaml` prints it, trimmed to labels, containers and status. */
function pod(name: string, namespace: string, labels: Record<string, string>, image: string, opts: { ready?: boolean; args?: string[]; phase?: string } = {}): Pod {
  const ready = opts.ready ?? true;
  return Pod.parse({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels, uid: `${name}-uid`, creationTimestamp: "2026-11-20T08:00:00Z" },
    spec: { containers: [{ name: "controller", image, args: opts.args ?? [], ports: [{ containerPort: 80, name: "http", protocol: "TCP" }] }], nodeName: "worker-1" },
    status: {
      phase: opts.phase ?? "Running",
      podIP: "10.244.1.7",
      conditions: [
        { type: "Initialized", status: "True" },
        { type: "Ready", status: ready ? "True" : "False", reason: ready ? undefined : "ContainersNotReady" },
        { type: "ContainersReady", status: ready ? "True" : "False" },
        { type: "PodScheduled", status: "True" },
      ],
      containerStatuses: [{ name: "controller", ready, restartCount: ready ? 0 : 7, image }],
    },
  });
}

const NGINX_LABELS = {
  "app.kubernetes.io/component": "controller",
  "app.kubernetes.io/instance": "ingress-nginx",
  "app.kubernetes.io/managed-by": "Helm",
  "app.kubernetes.io/name": "ingress-nginx",
  "app.kubernetes.io/part-of": "ingress-nginx",
  "app.kubernetes.io/version": "1.9.4",
  "helm.sh/chart": "ingress-nginx-4.8.3",
  "pod-template-hash": "5d88495688",
};
const NGINX_IMAGE = "registry.k8s.io/ingress-nginx/controller:v1.9.4@sha256:5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3";
const NGINX_ARGS = ["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller", "--election-id=ingress-nginx-leader", "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller", "--validating-webhook=:8443"];

describe("ingress controller pods", () => {
  it("recognises each project's pods by the labels its manifests set", () => {
    const cases: [Record<string, string>, string, string | undefined][] = [
      [NGINX_LABELS, NGINX_IMAGE, "ingress-nginx"],
      [{ "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "admission-webhook" }, NGINX_IMAGE, undefined],
      // the old stable/nginx-ingress chart of ingress-nginx vs NGINX Inc's controller: same app label
      [{ app: "nginx-ingress", component: "controller", release: "ingress" }, "quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.26.1", "ingress-nginx"],
      [{ app: "nginx-ingress" }, "nginx/nginx-ingress:3.3.2", "nginx-inc"],
      [{ "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system" }, "rancher/mirrored-library-traefik:2.10.5", "traefik"],
      [{ run: "haproxy-ingress" }, "haproxytech/kubernetes-ingress:1.10.1", "haproxy-kubernetes-ingress"],
      [{ "app.kubernetes.io/name": "haproxy-ingress" }, "quay.io/jcmoraisjr/haproxy-ingress:v0.14.5", "haproxy-ingress"],
      [{ app: "contour" }, "ghcr.io/projectcontour/contour:v1.27.0", "contour"],
      [{ app: "istio-ingressgateway", istio: "ingressgateway" }, "docker.io/istio/proxyv2:1.20.1", "istio-ingressgateway"],
      [{ "app.kubernetes.io/name": "kong", "app.kubernetes.io/component": "app" }, "kong:3.4", "kong"],
      [{ app: "web" }, "nginx:1.25", undefined],
    ];
    for (const [labels, image, kind] of cases) expect(classifyControllerPod(pod("p", "ns", labels, image))?.kind, JSON.stringify(labels)).toBe(kind);
  });

  it("counts Envoy as Contour's data plane only next to a Contour control plane, and skips finished pods", () => {
    const pods = [
      pod("contour-7b9c5c7d9b-2xk4q", "projectcontour", { app: "contour" }, "ghcr.io/projectcontour/contour:v1.27.0"),
      pod("envoy-x8w2d", "projectcontour", { app: "envoy" }, "docker.io/envoyproxy/envoy:v1.28.0"),
      pod("envoy-standalone", "edge", { app: "envoy" }, "docker.io/envoyproxy/envoy:v1.28.0"),
      pod("ingress-nginx-admission-create-x2k4q", "ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" }, NGINX_IMAGE, { phase: "Succeeded", ready: false }),
    ];
    expect(findControllerPods(pods).map((p) => [p.pod.name, p.kind, p.role])).toEqual([
      ["contour-7b9c5c7d9b-2xk4q", "contour", "controller"],
      ["envoy-x8w2d", "contour", "data-plane"],
    ]);
  });

  it("maps IngressClass controller strings to projects", () => {
    expect(controllerKindFor("k8s.io/ingress-nginx")).toBe("ingress-nginx");
    expect(controllerKindFor("haproxy.org/ingress-controller/haproxy")).toBe("haproxy-kubernetes-ingress");
    expect(controllerKindFor("projectcontour.io/ingress-controller")).toBe("contour");
    expect(controllerKindFor("ingress-controllers.konghq.com/kong")).toBe("kong");
    expect(controllerKindFor("k8s.io/ingress-gce")).toBeUndefined();
  });
});

describe("controller health per IngressClass", () => {
  const classes = ofKind(
    yamlDocs(`
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx-internal}
spec: {controller: k8s.io/ingress-nginx-internal}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: gce}
spec: {controller: k8s.io/ingress-gce}
`),
    "IngressClass",
    IngressClass,
  );
  const pods = findControllerPods([
    pod("ingress-nginx-controller-5d88495688-4xqzv", "ingress-nginx", NGINX_LABELS, NGINX_IMAGE, { args: NGINX_ARGS }),
    pod("ingress-nginx-controller-5d88495688-kq2mz", "ingress-nginx", NGINX_LABELS, NGINX_IMAGE, { args: NGINX_ARGS, ready: false }),
    pod("internal-ingress-nginx-controller-6f7b8c9d4-abcde", "ingress-internal", NGINX_LABELS, NGINX_IMAGE, {
      args: ["/nginx-ingress-controller", "--controller-class", "k8s.io/ingress-nginx-internal", "--ingress-class=nginx-internal"],
      ready: false,
    }),
  ]);
  const byName = Object.fromEntries(classes.map((c) => [c.metadata.name, controllersForClass(c, pods)]));

  it("tells two ingress-nginx installs apart by --controller-class", () => {
    expect(byName["nginx"]).toMatchObject({ kind: "ingress-nginx", readyPods: 1, status: "degraded" });
    expect(byName["nginx"]!.pods.map((p) => p.pod.namespace)).toEqual(["ingress-nginx", "ingress-nginx"]);
    expect(byName["nginx-internal"]).toMatchObject({ kind: "ingress-nginx", readyPods: 0, status: "down" });
  });

  it("reports a class whose controller has no pods, and one it cannot judge", () => {
    expect(byName["traefik"]).toMatchObject({ kind: "traefik", status: "missing", pods: [] });
    expect(byName["gce"]).toMatchObject({ controller: "k8s.io/ingress-gce", status: "unknown" });
  });
});
