/**
 * Mesh membership of pods: does a pod carry a proxy, and should it?
 *
 * Istio (sidecar injection policy, istio.io "Installing the sidecar"):
 * - the proxy is the container `istio-proxy`, or an init container of that
 *   name with `restartPolicy: Always` (native sidecar, Istio >= 1.19 on k8s >= 1.28);
 * - a namespace enables injection with `istio-injection=enabled` or
 *   `istio.io/rev=<revision>` (`istio-injection` wins when both are set);
 * - the pod label `sidecar.istio.io/inject` overrides: "false" never injects,
 *   "true" injects even in an unlabelled namespace, and so does a pod label
 *   `istio.io/rev=<revision>` there; if either the namespace or the pod says
 *   disabled, the pod is not injected;
 * - the legacy pod annotation `sidecar.istio.io/inject` still opts a pod out
 *   with any value other than y/yes/true/on, but "true" alone does not opt in
 *   (the webhook is never called);
 * - hostNetwork pods and the pods of kube-system and kube-public are never
 *   injected; gateways run `istio-proxy` by design;
 * - ambient mode (`istio.io/dataplane-mode=ambient` on the namespace or pod,
 *   `none` on the pod opts out) needs no sidecar: ztunnel carries the traffic.
 * Linkerd: `linkerd.io/inject: enabled` (or `ingress`) on the namespace or the
 * pod, the pod's value winning; the proxy is the container `linkerd-proxy`
 * (or a native sidecar of that name). Its webhook skips kube-system and
 * namespaces labelled `config.linkerd.io/admission-webhooks: disabled`.
 * The webhook acts only when a pod is created, so a mismatch means the pod
 * predates the label change or the injector was down (or, for a sidecar where
 * none is expected, manual `istioctl kube-inject`).
 */
import type { Container, Namespace, Pod } from "../../model/k8s.js";
import { isPodTerminal, podRef } from "../../model/pods.js";
import type { ObjectRef } from "../../types/evidence.js";

export type ProxyPresence = "container" | "native-sidecar" | "none";

export function proxyPresence(pod: Pod, name: string): ProxyPresence {
  if (pod.spec.containers.some((c: Container) => c.name === name)) return "container";
  if ((pod.spec.initContainers ?? []).some((c) => c.name === name && c.restartPolicy === "Always")) return "native-sidecar";
  return "none";
}

/** Istio gateways and waypoints run istio-proxy as their main container, wherever they live. */
export function isIstioGateway(pod: Pod): boolean {
  const l = pod.metadata.labels;
  const templates = pod.metadata.annotations["inject.istio.io/templates"] ?? "";
  return l.istio === "ingressgateway" || l.istio === "egressgateway" || "gateway.istio.io/managed" in l || "istio.io/gateway-name" in l || templates.split(",").includes("gateway");
}

export interface IstioMembership {
  pod: ObjectRef;
  sidecar: ProxyPresence;
  ambient: boolean;
  gateway: boolean;
  /** Whether the injector would add a sidecar to this pod if it were created now. */
  injectionExpected: boolean;
  /** The label or annotation that decided injectionExpected. */
  decidedBy: string;
  /** The control-plane revision the namespace or pod asks for (istio.io/rev). */
  revision?: string;
  mismatch?: "sidecar-missing" | "sidecar-unexpected";
  /** The pod can originate and accept Istio mTLS (sidecar, gateway or ambient). */
  inMesh: boolean;
}

/** Namespaces Istio's injector never touches (its webhook excludes them). */
const ISTIO_IGNORED_NAMESPACES = new Set(["kube-system", "kube-public"]);
/** The values Istio's injector reads as "inject" (injectRequired); any other non-empty value opts out. */
const TRUTHY = new Set(["y", "yes", "true", "on"]);

function injectionDecision(pod: Pod, ns: Namespace | undefined): { expected: boolean; decidedBy: string; revision?: string } {
  const nsLabels = ns?.metadata.labels ?? {};
  const podLabel = pod.metadata.labels["sidecar.istio.io/inject"];
  const podAnnotation = pod.metadata.annotations["sidecar.istio.io/inject"];
  const podRev = pod.metadata.labels["istio.io/rev"];
  const nsInjection = nsLabels["istio-injection"];
  // istio-injection=enabled selects the default revision, whatever istio.io/rev says.
  const revision = podRev ?? (nsInjection === undefined ? nsLabels["istio.io/rev"] : undefined);
  const withRev = (d: { expected: boolean; decidedBy: string }) => (revision && d.expected ? { ...d, revision } : d);
  if (pod.spec.hostNetwork) return { expected: false, decidedBy: "hostNetwork pods are never injected" };
  if (ISTIO_IGNORED_NAMESPACES.has(pod.metadata.namespace ?? "default")) return { expected: false, decidedBy: `the injector ignores namespace ${pod.metadata.namespace}` };
  if (nsInjection === "disabled") return { expected: false, decidedBy: "namespace label istio-injection=disabled" };
  if (podLabel === "false") return { expected: false, decidedBy: "pod label sidecar.istio.io/inject=false" };
  const nsEnabled = nsInjection === "enabled" || (nsInjection === undefined && nsLabels["istio.io/rev"] !== undefined);
  if (!nsEnabled) {
    if (podLabel === "true") return withRev({ expected: true, decidedBy: "pod label sidecar.istio.io/inject=true" });
    if (podRev !== undefined && nsInjection === undefined) return withRev({ expected: true, decidedBy: `pod label istio.io/rev=${podRev}` });
    return { expected: false, decidedBy: "namespace not labelled for injection" };
  }
  // Inside an enabled namespace the label (the newer API) wins over the annotation.
  const objectSelector = (podLabel ?? podAnnotation ?? "").toLowerCase();
  if (objectSelector !== "" && !TRUTHY.has(objectSelector)) {
    return { expected: false, decidedBy: `pod ${podLabel !== undefined ? "label" : "annotation"} sidecar.istio.io/inject=${podLabel ?? podAnnotation}` };
  }
  return withRev({ expected: true, decidedBy: nsInjection === "enabled" ? "namespace label istio-injection=enabled" : `namespace label istio.io/rev=${nsLabels["istio.io/rev"]}` });
}

export function isAmbient(pod: Pod, ns: Namespace | undefined): boolean {
  const podMode = pod.metadata.labels["istio.io/dataplane-mode"];
  if (podMode === "none") return false;
  return podMode === "ambient" || ns?.metadata.labels["istio.io/dataplane-mode"] === "ambient";
}

export function istioMembership(pod: Pod, ns: Namespace | undefined): IstioMembership {
  const sidecar = proxyPresence(pod, "istio-proxy");
  const gateway = isIstioGateway(pod);
  const ambient = isAmbient(pod, ns);
  const d = injectionDecision(pod, ns);
  const m: IstioMembership = {
    pod: podRef(pod),
    sidecar,
    ambient,
    gateway,
    injectionExpected: d.expected,
    decidedBy: d.decidedBy,
    inMesh: sidecar !== "none" || ambient,
  };
  if (d.revision) m.revision = d.revision;
  if (!gateway) {
    if (d.expected && sidecar === "none") m.mismatch = "sidecar-missing";
    else if (!d.expected && sidecar !== "none") m.mismatch = "sidecar-unexpected";
  }
  return m;
}

export interface LinkerdMembership {
  pod: ObjectRef;
  proxy: ProxyPresence;
  injectionExpected: boolean;
  decidedBy: string;
  mismatch?: "proxy-missing" | "proxy-unexpected";
}

const LINKERD_INJECT = "linkerd.io/inject";

/** Namespaces the Linkerd proxy injector's webhook excludes. */
const LINKERD_IGNORED_NAMESPACES = new Set(["kube-system", "cert-manager"]);

export function linkerdMembership(pod: Pod, ns: Namespace | undefined): LinkerdMembership {
  const proxy = proxyPresence(pod, "linkerd-proxy");
  const podValue = pod.metadata.annotations[LINKERD_INJECT];
  const nsValue = ns?.metadata.annotations[LINKERD_INJECT];
  const value = podValue ?? nsValue;
  const webhookSkips = LINKERD_IGNORED_NAMESPACES.has(pod.metadata.namespace ?? "default") || ns?.metadata.labels["config.linkerd.io/admission-webhooks"] === "disabled";
  const decidedBy = webhookSkips
    ? `the Linkerd injector skips namespace ${pod.metadata.namespace ?? "default"}`
    : value === undefined ? "no linkerd.io/inject annotation" : `${podValue !== undefined ? "pod" : "namespace"} annotation ${LINKERD_INJECT}=${value}`;
  const injectionExpected = (value === "enabled" || value === "ingress") && !pod.spec.hostNetwork && !webhookSkips;
  const m: LinkerdMembership = { pod: podRef(pod), proxy, injectionExpected, decidedBy };
  if (injectionExpected && proxy === "none") m.mismatch = "proxy-missing";
  else if (!injectionExpected && proxy !== "none" && value === "disabled") m.mismatch = "proxy-unexpected";
  return m;
}

/** Pods that can still run (terminal pods are never rescheduled and carry no traffic). */
export function livePods(pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => !isPodTerminal(p));
}
