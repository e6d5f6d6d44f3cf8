/**
 * Ingress controllers: which pods run one, and which pods serve an
 * IngressClass (`spec.controller`).
 *
 * Pods are recognised by the labels the projects' own manifests and Helm
 * charts put on them, with the container image as a tie-breaker where two
 * projects use the same label (`app: nginx-ingress` is both the old
 * stable/nginx-ingress chart of ingress-nginx and NGINX Inc's controller;
 * `run: haproxy-ingress` is used by both HAProxy controllers). Envoy pods
 * count as Contour's data plane only next to a Contour control plane.
 *
 * One ingress-nginx install serves the controller class given by its
 * `--controller-class` flag (default `k8s.io/ingress-nginx`), so two installs
 * in one cluster are told apart by that flag, not by labels.
 */
import type { IngressClass, Pod } from "../../model/k8s.js";
import { isPodReady, isPodTerminal, podRef } from "../../model/pods.js";
import type { ObjectRef } from "../../types/evidence.js";

export type ControllerKind =
  | "ingress-nginx"
  | "nginx-inc"
  | "traefik"
  | "haproxy-ingress"
  | "haproxy-kubernetes-ingress"
  | "contour"
  | "istio-ingressgateway"
  | "kong";

export interface ControllerPod {
  pod: ObjectRef;
  kind: ControllerKind;
  /** Contour runs a control plane (contour) and a data plane (envoy); both must be up. */
  role: "controller" | "data-plane";
  ready: boolean;
  /** ingress-nginx only: the controller class it serves (`--controller-class`, default k8s.io/ingress-nginx). */
  controllerClass?: string;
}

const INGRESS_NGINX_DEFAULT_CLASS = "k8s.io/ingress-nginx";

function images(pod: Pod): string[] {
  return pod.spec.containers.map((c) => c.image ?? "");
}

function hasImage(pod: Pod, fragment: string): boolean {
  return images(pod).some((i) => i.includes(fragment));
}

/** Returns the kind and role a pod's labels (and image, for ambiguous labels) identify, if any. */
export function classifyControllerPod(pod: Pod): { kind: ControllerKind; role: ControllerPod["role"] } | undefined {
  const l = pod.metadata.labels;
  const name = l["app.kubernetes.io/name"];
  const component = l["app.kubernetes.io/component"];
  const controller = { role: "controller" as const };
  if (name === "ingress-nginx" && (component === undefined || component === "controller")) return { kind: "ingress-nginx", ...controller };
  if (l.app === "nginx-ingress" || name === "nginx-ingress") {
    if (hasImage(pod, "nginx/nginx-ingress")) return { kind: "nginx-inc", ...controller };
    if (l.component === "controller" || hasImage(pod, "ingress-nginx") || hasImage(pod, "nginx-ingress-controller")) return { kind: "ingress-nginx", ...controller };
  }
  if (l.app === "traefik" || name === "traefik") return { kind: "traefik", ...controller };
  if (name === "haproxy-ingress") return { kind: "haproxy-ingress", ...controller };
  if (name === "kubernetes-ingress") return { kind: "haproxy-kubernetes-ingress", ...controller };
  if (l.run === "haproxy-ingress") return { kind: hasImage(pod, "haproxytech") ? "haproxy-kubernetes-ingress" : "haproxy-ingress", ...controller };
  if (l.app === "contour" || (name === "contour" && component !== "envoy")) return { kind: "contour", ...controller };
  if (l.app === "envoy" || (name === "contour" && component === "envoy")) return { kind: "contour", role: "data-plane" };
  if (l.istio === "ingressgateway" || l.app === "istio-ingressgateway") return { kind: "istio-ingressgateway", ...controller };
  if (name === "kong" || l.app === "kong" || l.app === "ingress-kong") return { kind: "kong", ...controller };
  return undefined;
}

/** The value of `--flag=value` or `--flag value` in a container's command line. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
    if (a === flag) return args[i + 1];
  }
  return undefined;
}

function ingressNginxClass(pod: Pod): string {
  for (const c of pod.spec.containers) {
    const v = flagValue([...(c.command ?? []), ...(c.args ?? [])], "--controller-class");
    if (v) return v;
  }
  return INGRESS_NGINX_DEFAULT_CLASS;
}

/** Every running (non-terminal) ingress controller pod of the cluster. */
export function findControllerPods(pods: readonly Pod[]): ControllerPod[] {
  const found: ControllerPod[] = [];
  for (const pod of pods) {
    if (isPodTerminal(pod)) continue;
    const c = classifyControllerPod(pod);
    if (!c) continue;
    const cp: ControllerPod = { pod: podRef(pod), kind: c.kind, role: c.role, ready: isPodReady(pod) };
    if (c.kind === "ingress-nginx") cp.controllerClass = ingressNginxClass(pod);
    found.push(cp);
  }
  const contourNamespaces = new Set(found.filter((p) => p.kind === "contour" && p.role === "controller").map((p) => p.pod.namespace));
  return found.filter((p) => !(p.kind === "contour" && p.role === "data-plane" && !contourNamespaces.has(p.pod.namespace)));
}

/** The controller kind an IngressClass `spec.controller` value designates, if known. */
export function controllerKindFor(controller: string): ControllerKind | undefined {
  if (controller === INGRESS_NGINX_DEFAULT_CLASS || controller.startsWith("k8s.io/ingress-nginx")) return "ingress-nginx";
  if (controller === "nginx.org/ingress-controller") return "nginx-inc";
  if (controller === "traefik.io/ingress-controller") return "traefik";
  if (controller === "haproxy-ingress.github.io/controller") return "haproxy-ingress";
  if (controller.startsWith("haproxy.org/ingress-controller")) return "haproxy-kubernetes-ingress";
  if (controller.startsWith("projectcontour.io/")) return "contour";
  if (controller === "istio.io/ingress-controller") return "istio-ingressgateway";
  if (controller === "ingress-controllers.konghq.com/kong") return "kong";
  return undefined;
}

export interface ClassControllers {
  ingressClass: ObjectRef;
  controller?: string;
  kind?: ControllerKind;
  pods: ControllerPod[];
  readyPods: number;
  /**
   * unknown: the controller string is not one we recognise (e.g. a cloud
   * load balancer controller running outside the cluster);
   * missing: no pod of that controller; down: none ready; degraded: some not
   * ready (or one of Contour's two tiers is down).
   */
  status: "ready" | "degraded" | "down" | "missing" | "unknown";
}

/** The controller pods serving one IngressClass, and their health. */
export function controllersForClass(ic: IngressClass, controllerPods: readonly ControllerPod[]): ClassControllers {
  const ref: ObjectRef = { kind: "IngressClass", name: ic.metadata.name };
  const controller = ic.spec.controller;
  const kind = controller ? controllerKindFor(controller) : undefined;
  const base = controller ? { ingressClass: ref, controller } : { ingressClass: ref };
  if (!kind) return { ...base, pods: [], readyPods: 0, status: "unknown" };
  const pods = controllerPods.filter((p) => p.kind === kind && (kind !== "ingress-nginx" || p.controllerClass === controller));
  const readyPods = pods.filter((p) => p.ready).length;
  return { ...base, kind, pods, readyPods, status: controllerStatus(pods) };
}

function tierStatus(pods: readonly ControllerPod[]): "ready" | "degraded" | "down" {
  const ready = pods.filter((p) => p.ready).length;
  if (ready === 0) return "down";
  return ready === pods.length ? "ready" : "degraded";
}

function controllerStatus(pods: readonly ControllerPod[]): ClassControllers["status"] {
  if (pods.length === 0) return "missing";
  const tiers = [pods.filter((p) => p.role === "controller"), pods.filter((p) => p.role === "data-plane")].filter((t) => t.length > 0);
  const statuses = tiers.map(tierStatus);
  if (statuses.every((s) => s === "ready")) return "ready";
  if (statuses.every((s) => s === "down")) return "down";
  return "degraded";
}

/**
 * Whether a controller pod also serves Ingresses that name no class at all.
 * ingress-nginx does only with `--watch-ingress-without-class=true` (default
 * false); Traefik's kubernetesingress provider does unless its `ingressClass`
 * option restricts it to one annotation value.
 */
export function watchesClasslessIngresses(pod: Pod): boolean {
  const c = classifyControllerPod(pod);
  if (!c) return false;
  const args = pod.spec.containers.flatMap((k) => [...(k.command ?? []), ...(k.args ?? [])]);
  if (c.kind === "ingress-nginx") return boolFlag(args, "--watch-ingress-without-class");
  if (c.kind === "traefik") return flagValue(args, "--providers.kubernetesingress.ingressclass") === undefined;
  return false;
}

/**
 * ingress-nginx with `--ingress-class-by-name=true` serves Ingresses whose
 * spec.ingressClassName equals its `--ingress-class` (default "nginx") even
 * when no IngressClass object of that name exists. Returns the class names
 * served that way.
 */
export function classNamesServedWithoutObject(pods: readonly Pod[]): Set<string> {
  const names = new Set<string>();
  for (const pod of pods) {
    if (classifyControllerPod(pod)?.kind !== "ingress-nginx") continue;
    const args = pod.spec.containers.flatMap((k) => [...(k.command ?? []), ...(k.args ?? [])]);
    if (!boolFlag(args, "--ingress-class-by-name")) continue;
    names.add(flagValue(args, "--ingress-class") ?? "nginx");
  }
  return names;
}

/** A Go boolean flag: set by `--flag` or `--flag=true` (Go's flag package never takes the next argument as a bool's value). */
function boolFlag(args: readonly string[], flag: string): boolean {
  return args.some((a) => a === flag || a === `${flag}=true`);
}
