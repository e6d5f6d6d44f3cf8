/**
 * Pods and namespaces as `kubectl get -o yaml` prints them in an Istio or
 * Linkerd mesh: an injected pod carries the istio-init init container, the
 * istio-proxy sidecar (or, with native sidecars, istio-proxy as an init
 * container with restartPolicy Always) and the sidecar.istio.io/status
 * annotation the injector writes.
 */
import { Namespace, Pod } from "../../src/model/k8s.js";

const PROXY_IMAGE = "docker.io/istio/proxyv2:1.20.1";
const STATUS = '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}';

export interface PodOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  proxy?: "istio" | "istio-native" | "linkerd" | "none";
  hostNetwork?: boolean;
  phase?: string;
}

export function meshPod(name: string, namespace: string, o: PodOptions = {}): Pod {
  const app = { name: "app", image: "registry.example.com/shop/web:1.4.2", ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }] };
  const istioProxy = { name: "istio-proxy", image: PROXY_IMAGE, args: ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"], ports: [{ containerPort: 15090, name: "http-envoy-prom", protocol: "TCP" }] };
  const istioInit = { name: "istio-init", image: PROXY_IMAGE, args: ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020"] };
  const proxy = o.proxy ?? "none";
  const annotations = { ...(o.annotations ?? {}) };
  const labels: Record<string, string> = { app: name.split("-")[0]!, "pod-template-hash": "7d4b9c", ...(o.labels ?? {}) };
  let containers: unknown[] = [app];
  let initContainers: unknown[] = [];
  if (proxy === "istio") {
    containers = [app, istioProxy];
    initContainers = [istioInit];
  } else if (proxy === "istio-native") {
    initContainers = [istioInit, { ...istioProxy, restartPolicy: "Always" }];
  } else if (proxy === "linkerd") {
    containers = [{ name: "linkerd-proxy", image: "cr.l5d.io/linkerd/proxy:stable-2.14.1" }, app];
    initContainers = [{ name: "linkerd-init", image: "cr.l5d.io/linkerd/proxy-init:v2.2.3" }];
  }
  if (proxy.startsWith("istio")) {
    annotations["sidecar.istio.io/status"] = STATUS;
    labels["security.istio.io/tlsMode"] = "istio";
    labels["service.istio.io/canonical-name"] = labels.app!;
  }
  return Pod.parse({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels, annotations, uid: `${name}-uid`, creationTimestamp: "2026-11-20T08:00:00Z" },
    spec: { containers, initContainers, hostNetwork: o.hostNetwork, nodeName: "worker-1", serviceAccountName: "default" },
    status: { phase: o.phase ?? "Running", podIP: "10.244.1.20", conditions: [{ type: "Ready", status: "True" }] },
  });
}

export function namespace(name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Namespace {
  return Namespace.parse({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels }, annotations },
    status: { phase: "Active" },
  });
}
