/**
 * Route attachment (Gateway API v1): which listeners of which Gateway an
 * HTTPRoute's parentRef binds to, and the reason when it binds to none.
 *
 * Semantics kept from the spec:
 * - parentRef defaults: group gateway.networking.k8s.io, kind Gateway,
 *   namespace = the route's; `sectionName` selects one listener by name and
 *   `port` one by port (both, when set, must match);
 * - a listener admits the route's namespace per `allowedRoutes.namespaces.from`:
 *   Same (the default: the Gateway's namespace), All, or Selector (the
 *   namespace's labels match `selector`);
 * - a listener admits HTTPRoute when `allowedRoutes.kinds` lists it, or, when
 *   kinds is empty, when its protocol is HTTP or HTTPS;
 * - hostnames: a listener without hostname admits every route; a route
 *   without hostnames matches every listener; otherwise some pair must
 *   intersect, where `*.example.com` is a suffix match (`a.example.com`,
 *   `a.b.example.com`, never `example.com`);
 * - the reasons follow the order a controller checks them: NoMatchingParent
 *   (no listener with that sectionName/port), NotAllowedByListeners,
 *   NoMatchingListenerHostname.
 */
import type { Gateway, HTTPRoute, Listener, ParentReference } from "../../model/crds.js";
import type { Namespace } from "../../model/k8s.js";
import { matchesLabelSelector } from "../../model/selectors.js";
import type { ObjectRef } from "../../types/evidence.js";
import { GATEWAY_GROUP } from "./reference-grants.js";

export interface ParentRefView {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export function parentRefView(ref: ParentReference, routeNamespace: string): ParentRefView {
  const v: ParentRefView = { group: ref.group ?? GATEWAY_GROUP, kind: ref.kind ?? "Gateway", namespace: ref.namespace ?? routeNamespace, name: ref.name };
  if (ref.sectionName) v.sectionName = ref.sectionName;
  if (ref.port != null) v.port = ref.port;
  return v;
}

/** Lower-case hostname intersection with Gateway API wildcard (suffix) semantics. */
export function hostnamesIntersect(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const xs = x.startsWith("*.") ? x.slice(1) : undefined;
  const ys = y.startsWith("*.") ? y.slice(1) : undefined;
  if (xs && ys) return xs.endsWith(ys) || ys.endsWith(xs);
  if (xs) return y.endsWith(xs) && y.length > xs.length;
  if (ys) return x.endsWith(ys) && x.length > ys.length;
  return false;
}

function namespaceLabels(namespace: string, namespaces: ReadonlyMap<string, Namespace>): Record<string, string> {
  // The API server sets kubernetes.io/metadata.name on every namespace; keep it even when the object is not in the snapshot.
  return { ...(namespaces.get(namespace)?.metadata.labels ?? {}), "kubernetes.io/metadata.name": namespace };
}

export function listenerAdmitsNamespace(l: Listener, gatewayNamespace: string, routeNamespace: string, namespaces: ReadonlyMap<string, Namespace>): boolean {
  const from = l.allowedRoutes?.namespaces?.from ?? "Same";
  if (from === "All") return true;
  if (from === "Same") return routeNamespace === gatewayNamespace;
  if (from === "Selector") return matchesLabelSelector(l.allowedRoutes?.namespaces?.selector, namespaceLabels(routeNamespace, namespaces));
  return false;
}

export function listenerAdmitsHTTPRoute(l: Listener): boolean {
  const kinds = l.allowedRoutes?.kinds ?? [];
  if (kinds.length > 0) return kinds.some((k) => k.kind === "HTTPRoute" && (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP);
  return l.protocol === "HTTP" || l.protocol === "HTTPS";
}

function hostnameMatches(l: Listener, routeHostnames: readonly string[]): boolean {
  if (!l.hostname || routeHostnames.length === 0) return true;
  return routeHostnames.some((h) => hostnamesIntersect(l.hostname!, h));
}

export type AttachmentResult = "Attached" | "GatewayNotFound" | "NoMatchingParent" | "NotAllowedByListeners" | "NoMatchingListenerHostname";

export interface Attachment {
  result: AttachmentResult;
  gateway?: ObjectRef;
  /** The listeners the route binds to (empty unless Attached). */
  listeners: string[];
}

export function attachToGateway(
  route: HTTPRoute,
  ref: ParentRefView,
  gateways: ReadonlyMap<string, Gateway>,
  namespaces: ReadonlyMap<string, Namespace>,
): Attachment {
  const gw = gateways.get(`${ref.namespace}/${ref.name}`);
  if (!gw) return { result: "GatewayNotFound", listeners: [] };
  const gateway: ObjectRef = { kind: "Gateway", namespace: ref.namespace, name: ref.name };
  const routeNamespace = route.metadata.namespace ?? "default";
  const bySection = gw.spec.listeners.filter((l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port));
  if (bySection.length === 0) return { result: "NoMatchingParent", gateway, listeners: [] };
  const allowed = bySection.filter((l) => listenerAdmitsNamespace(l, ref.namespace, routeNamespace, namespaces) && listenerAdmitsHTTPRoute(l));
  if (allowed.length === 0) return { result: "NotAllowedByListeners", gateway, listeners: [] };
  const matching = allowed.filter((l) => hostnameMatches(l, route.spec.hostnames ?? []));
  if (matching.length === 0) return { result: "NoMatchingListenerHostname", gateway, listeners: [] };
  return { result: "Attached", gateway, listeners: matching.map((l) => l.name) };
}
