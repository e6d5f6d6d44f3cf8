/**
 * Gateway API v1 analysis: GatewayClass acceptance, Gateways and their
 * listeners, and per HTTPRoute where each parentRef attaches, what the
 * controller wrote in the route's status, and whether each backendRef
 * resolves to a Service port it may reference.
 *
 * BackendRef semantics: group "" and kind Service by default; namespace
 * defaults to the route's; a Service backend needs `port`, which must be one
 * of the Service's `spec.ports[].port`; a backend in another namespace needs
 * a ReferenceGrant there (from HTTPRoute in the route's namespace to
 * Service); `weight` (1 by default) splits a rule's requests among its
 * backendRefs, and weight 0 sends none. Other kinds (ServiceImport, implementation-specific backends)
 * are reported as unchecked, not as faults. Controllers report the same
 * faults as ResolvedRefs=False with reasons BackendNotFound, RefNotPermitted,
 * InvalidKind; we derive them from the objects so a snapshot without status
 * (or with a stale one) still shows them.
 */
import type { CrdCondition, Gateway, GatewayClass, HTTPBackendRef, HTTPRoute, ObjectReference, ReferenceGrant } from "../../model/crds.js";
import type { Namespace, Service } from "../../model/k8s.js";
import type { SecretEntry } from "../../model/model.js";
import { selectorToString } from "../../model/selectors.js";
import type { ObjectRef } from "../../types/evidence.js";
import { formatServicePort, indexServices, serviceKey } from "../ingress/backends.js";
import { TLS_SECRET_TYPE } from "../ingress/tls.js";
import { attachToGateway, parentRefView, type Attachment, type ParentRefView } from "./attachment.js";
import { GATEWAY_GROUP, referenceAllowed } from "./reference-grants.js";

export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function view(c: CrdCondition): ConditionView {
  const v: ConditionView = { type: c.type, status: c.status };
  if (c.reason) v.reason = c.reason;
  if (c.message) v.message = c.message;
  return v;
}

function condition(conditions: readonly CrdCondition[] | null | undefined, type: string): ConditionView | undefined {
  const c = (conditions ?? []).find((x) => x.type === type);
  return c ? view(c) : undefined;
}

/** Conditions that say something is wrong: positive-polarity types not True, or Conflicted=True. */
function failing(conditions: readonly CrdCondition[] | null | undefined): ConditionView[] {
  return (conditions ?? []).filter((c) => (c.type === "Conflicted" ? c.status === "True" : c.status !== "True")).map(view);
}

// ------------------------------------------------------------ GatewayClass

export interface GatewayClassAnalysis {
  gatewayClass: ObjectRef;
  controllerName?: string;
  /** The Accepted condition; undefined when no controller has written status (none owns this class). */
  accepted?: ConditionView;
}

export function analyzeGatewayClass(gc: GatewayClass): GatewayClassAnalysis {
  const a: GatewayClassAnalysis = { gatewayClass: { kind: "GatewayClass", name: gc.metadata.name } };
  if (gc.spec?.controllerName) a.controllerName = gc.spec.controllerName;
  const accepted = condition(gc.status?.conditions, "Accepted");
  if (accepted) a.accepted = accepted;
  return a;
}

// ------------------------------------------------------------------ Gateway

export interface CertificateRefCheck {
  path: string;
  secret: ObjectRef;
  status: "ok" | "missing" | "wrong-type" | "ref-not-permitted" | "unknown" | "unchecked-kind";
}

export interface ListenerAnalysis {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  /** allowedRoutes.namespaces.from (Same when unset). */
  allowedNamespaces: string;
  /** The namespace selector in kubectl -l form, when from is Selector. */
  allowedNamespaceSelector?: string;
  attachedRoutes?: number;
  /** The listener's Programmed and ResolvedRefs conditions; undefined when no controller wrote them. */
  programmed?: ConditionView;
  resolvedRefs?: ConditionView;
  /** Listener status conditions that report a fault (e.g. ResolvedRefs=False InvalidCertificateRef). */
  failingConditions: ConditionView[];
  certificateRefs: CertificateRefCheck[];
}

export interface GatewayAnalysis {
  gateway: ObjectRef;
  className: string;
  /** The GatewayClass does not exist. */
  classMissing: boolean;
  classAccepted?: ConditionView;
  accepted?: ConditionView;
  programmed?: ConditionView;
  listeners: ListenerAnalysis[];
}

interface Context {
  gateways: ReadonlyMap<string, Gateway>;
  classes: ReadonlyMap<string, GatewayClassAnalysis>;
  namespaces: ReadonlyMap<string, Namespace>;
  services: ReadonlyMap<string, Service>;
  /** undefined when the snapshot has no ReferenceGrants file: cross-namespace references are then not judged. */
  grants: readonly ReferenceGrant[] | undefined;
  secrets: ReadonlyMap<string, SecretEntry> | undefined;
}

function permitted(from: Parameters<typeof referenceAllowed>[0], to: Parameters<typeof referenceAllowed>[1], grants: readonly ReferenceGrant[] | undefined): ReturnType<typeof referenceAllowed> {
  return grants ? referenceAllowed(from, to, grants) : { allowed: true, via: "none" };
}

function checkCertificateRef(gw: Gateway, ref: ObjectReference, path: string, ctx: Context): CertificateRefCheck {
  const gwNamespace = gw.metadata.namespace ?? "default";
  const namespace = ref.namespace ?? gwNamespace;
  const secret: ObjectRef = { kind: "Secret", namespace, name: ref.name };
  if ((ref.group ?? "") !== "" || (ref.kind ?? "Secret") !== "Secret") return { path, secret: { ...secret, kind: ref.kind ?? "Secret" }, status: "unchecked-kind" };
  const grant = permitted({ group: GATEWAY_GROUP, kind: "Gateway", namespace: gwNamespace }, { group: "", kind: "Secret", namespace, name: ref.name }, ctx.grants);
  if (!grant.allowed) return { path, secret, status: "ref-not-permitted" };
  if (!ctx.secrets) return { path, secret, status: "unknown" };
  const s = ctx.secrets.get(`${namespace}/${ref.name}`);
  if (!s) return { path, secret, status: "missing" };
  return { path, secret, status: s.type === TLS_SECRET_TYPE ? "ok" : "wrong-type" };
}

function analyzeGateway(gw: Gateway, ctx: Context): GatewayAnalysis {
  const ref: ObjectRef = { kind: "Gateway", namespace: gw.metadata.namespace ?? "default", name: gw.metadata.name };
  const cls = ctx.classes.get(gw.spec.gatewayClassName);
  const listenerStatus = new Map((gw.status?.listeners ?? []).map((l) => [l.name, l]));
  const a: GatewayAnalysis = {
    gateway: ref,
    className: gw.spec.gatewayClassName,
    classMissing: !cls,
    listeners: gw.spec.listeners.map((l, i) => {
      const st = listenerStatus.get(l.name);
      const la: ListenerAnalysis = {
        name: l.name,
        port: l.port,
        protocol: l.protocol,
        allowedNamespaces: l.allowedRoutes?.namespaces?.from ?? "Same",
        failingConditions: failing(st?.conditions),
        certificateRefs: (l.tls?.certificateRefs ?? []).map((c, j) => checkCertificateRef(gw, c, `spec.listeners[${i}].tls.certificateRefs[${j}]`, ctx)),
      };
      if (l.hostname) la.hostname = l.hostname;
      if (la.allowedNamespaces === "Selector") la.allowedNamespaceSelector = selectorToString(l.allowedRoutes?.namespaces?.selector);
      if (st?.attachedRoutes != null) la.attachedRoutes = st.attachedRoutes;
      const programmed = condition(st?.conditions, "Programmed");
      if (programmed) la.programmed = programmed;
      const resolvedRefs = condition(st?.conditions, "ResolvedRefs");
      if (resolvedRefs) la.resolvedRefs = resolvedRefs;
      return la;
    }),
  };
  if (cls?.accepted) a.classAccepted = cls.accepted;
  const accepted = condition(gw.status?.conditions, "Accepted");
  if (accepted) a.accepted = accepted;
  const programmed = condition(gw.status?.conditions, "Programmed");
  if (programmed) a.programmed = programmed;
  return a;
}

// ---------------------------------------------------------------- HTTPRoute

export interface ParentAnalysis {
  /** JSON path of the parentRef in the route. */
  path: string;
  ref: ParentRefView;
  /**
   * Attachment derived from the objects. Non-Gateway parents (a Service, for
   * GAMMA mesh routing) are checked for existence only.
   */
  attachment: Attachment | { result: "ServiceParent"; service: ObjectRef; exists: boolean } | { result: "UnsupportedParent" };
  /** What the controller wrote for this parent; undefined when the route has no status entry for it. */
  status?: { controllerName?: string; accepted?: ConditionView; resolvedRefs?: ConditionView; failing: ConditionView[] };
}

export type BackendRefResult = "ok" | "BackendNotFound" | "PortNotExposed" | "PortUnspecified" | "RefNotPermitted" | "UncheckedKind";

export interface BackendRefAnalysis {
  path: string;
  /** Index of the route rule the backendRef belongs to. */
  rule: number;
  /**
   * The fraction of the rule's requests sent to this backendRef: its weight
   * (1 when unset) over the sum of the rule's weights; 0 for weight 0, which
   * receives no traffic. Invalid backendRefs keep their share (answered 500).
   */
  share: number;
  ref: { group: string; kind: string; namespace: string; name: string; port?: number; weight?: number };
  result: BackendRefResult;
  exposedPorts: string[];
  grant?: ObjectRef;
}

export interface HTTPRouteAnalysis {
  route: ObjectRef;
  hostnames: string[];
  /** Each rule named by its matches, for messages: `PathPrefix /checkout` (no match means PathPrefix /). */
  rules: string[];
  parents: ParentAnalysis[];
  backends: BackendRefAnalysis[];
}

function sameParent(a: ParentRefView, b: ParentRefView): boolean {
  return a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name && a.sectionName === b.sectionName && a.port === b.port;
}

function parentStatus(route: HTTPRoute, ref: ParentRefView, routeNamespace: string): ParentAnalysis["status"] {
  const entry = (route.status?.parents ?? []).find((p) => sameParent(parentRefView(p.parentRef, routeNamespace), ref));
  if (!entry) return undefined;
  const st: NonNullable<ParentAnalysis["status"]> = { failing: failing(entry.conditions) };
  if (entry.controllerName) st.controllerName = entry.controllerName;
  const accepted = condition(entry.conditions, "Accepted");
  if (accepted) st.accepted = accepted;
  const resolvedRefs = condition(entry.conditions, "ResolvedRefs");
  if (resolvedRefs) st.resolvedRefs = resolvedRefs;
  return st;
}

function analyzeParent(route: HTTPRoute, raw: NonNullable<HTTPRoute["spec"]["parentRefs"]>[number], i: number, ctx: Context): ParentAnalysis {
  const routeNamespace = route.metadata.namespace ?? "default";
  const ref = parentRefView(raw, routeNamespace);
  let attachment: ParentAnalysis["attachment"];
  if (ref.group === GATEWAY_GROUP && ref.kind === "Gateway") attachment = attachToGateway(route, ref, ctx.gateways, ctx.namespaces);
  else if (ref.group === "" && ref.kind === "Service") {
    attachment = { result: "ServiceParent", service: { kind: "Service", namespace: ref.namespace, name: ref.name }, exists: ctx.services.has(serviceKey(ref.namespace, ref.name)) };
  } else attachment = { result: "UnsupportedParent" };
  const p: ParentAnalysis = { path: `spec.parentRefs[${i}]`, ref, attachment };
  const status = parentStatus(route, ref, routeNamespace);
  if (status) p.status = status;
  return p;
}

function analyzeBackendRef(route: HTTPRoute, raw: HTTPBackendRef, at: { path: string; rule: number; share: number }, ctx: Context): BackendRefAnalysis {
  const routeNamespace = route.metadata.namespace ?? "default";
  const ref: BackendRefAnalysis["ref"] = { group: raw.group ?? "", kind: raw.kind ?? "Service", namespace: raw.namespace ?? routeNamespace, name: raw.name };
  if (raw.port != null) ref.port = raw.port;
  if (raw.weight != null) ref.weight = raw.weight;
  const out = (result: BackendRefResult, exposedPorts: string[] = [], grant?: ObjectRef): BackendRefAnalysis => ({ ...at, ref, result, exposedPorts, ...(grant ? { grant } : {}) });
  if (ref.group !== "" || ref.kind !== "Service") return out("UncheckedKind");
  const decision = permitted({ group: GATEWAY_GROUP, kind: "HTTPRoute", namespace: routeNamespace }, { group: "", kind: "Service", namespace: ref.namespace, name: ref.name }, ctx.grants);
  if (!decision.allowed) return out("RefNotPermitted");
  const svc = ctx.services.get(serviceKey(ref.namespace, ref.name));
  if (!svc) return out("BackendNotFound", [], decision.grant);
  const ports = svc.spec.ports ?? [];
  const exposed = ports.map(formatServicePort);
  if (ref.port === undefined) return out("PortUnspecified", exposed, decision.grant);
  if (!ports.some((p) => p.port === ref.port)) return out("PortNotExposed", exposed, decision.grant);
  return out("ok", exposed, decision.grant);
}

type RouteRule = NonNullable<HTTPRoute["spec"]["rules"]>[number];

const OTHER_MATCH_FIELDS: [string, string][] = [["headers", "headers"], ["queryParams", "query params"], ["method", "method"]];

/**
 * `PathPrefix /checkout`, `PathPrefix / + headers`, `Exact /healthz and 2 more
 * matches`; a match without path is PathPrefix /, a rule without matches
 * takes every request.
 */
function describeRule(rule: RouteRule): string {
  const matches = rule.matches ?? [];
  const first = matches[0];
  const others = OTHER_MATCH_FIELDS.filter(([field]) => first?.[field] != null).map(([, label]) => ` + ${label}`).join("");
  const text = `${first?.path?.type ?? "PathPrefix"} ${first?.path?.value ?? "/"}${others}`;
  return matches.length > 1 ? `${text} and ${matches.length - 1} more match${matches.length > 2 ? "es" : ""}` : text;
}

function analyzeRuleBackends(route: HTTPRoute, rule: RouteRule, r: number, ctx: Context): BackendRefAnalysis[] {
  const refs = rule.backendRefs ?? [];
  const total = refs.reduce((sum, b) => sum + (b.weight ?? 1), 0);
  return refs.map((b, j) => analyzeBackendRef(route, b, { path: `spec.rules[${r}].backendRefs[${j}]`, rule: r, share: total > 0 ? (b.weight ?? 1) / total : 0 }, ctx));
}

function analyzeRoute(route: HTTPRoute, ctx: Context): HTTPRouteAnalysis {
  const rules = route.spec.rules ?? [];
  return {
    route: { kind: "HTTPRoute", namespace: route.metadata.namespace ?? "default", name: route.metadata.name },
    hostnames: route.spec.hostnames ?? [],
    rules: rules.map(describeRule),
    parents: (route.spec.parentRefs ?? []).map((p, i) => analyzeParent(route, p, i, ctx)),
    backends: rules.flatMap((rule, r) => analyzeRuleBackends(route, rule, r, ctx)),
  };
}

// ------------------------------------------------------------------ layer

export interface GatewayInputs {
  gatewayClasses: readonly GatewayClass[];
  gateways: readonly Gateway[];
  httpRoutes: readonly HTTPRoute[];
  /** undefined when ReferenceGrants were not collected: cross-namespace references are then not judged. */
  referenceGrants: readonly ReferenceGrant[] | undefined;
  namespaces: readonly Namespace[];
  services: readonly Service[];
  secrets?: readonly SecretEntry[] | undefined;
}

export interface GatewayLayerAnalysis {
  gatewayClasses: GatewayClassAnalysis[];
  gateways: GatewayAnalysis[];
  httpRoutes: HTTPRouteAnalysis[];
}

export function analyzeGatewayAPI(input: GatewayInputs): GatewayLayerAnalysis {
  const gatewayClasses = input.gatewayClasses.map(analyzeGatewayClass);
  const ctx: Context = {
    gateways: new Map(input.gateways.map((g) => [`${g.metadata.namespace ?? "default"}/${g.metadata.name}`, g])),
    classes: new Map(gatewayClasses.map((c) => [c.gatewayClass.name, c])),
    namespaces: new Map(input.namespaces.map((n) => [n.metadata.name, n])),
    services: indexServices(input.services),
    grants: input.referenceGrants,
    secrets: input.secrets ? new Map(input.secrets.map((s) => [`${s.namespace}/${s.name}`, s])) : undefined,
  };
  return {
    gatewayClasses,
    gateways: input.gateways.map((g) => analyzeGateway(g, ctx)),
    httpRoutes: input.httpRoutes.map((r) => analyzeRoute(r, ctx)),
  };
}
