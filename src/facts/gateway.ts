/**
 * Gateway API layer facts. Subjects:
 *
 * - every HTTPRoute: whether each parentRef attaches (the Gateway exists, a
 *   listener has the sectionName/port, its allowedRoutes admit the route's
 *   namespace and kind, hostnames intersect, the GatewayClass is accepted),
 *   what the controller wrote (Accepted / ResolvedRefs conditions), and
 *   whether each backendRef resolves (Service exists, port exposed,
 *   cross-namespace references granted by a ReferenceGrant) and, when it
 *   does, whether its Service has a ready endpoint;
 * - every Gateway: its class, its Accepted/Programmed conditions and its
 *   listeners' attached routes.
 *
 * The controller's status is trusted where it exists (Accepted=True means
 * attached, whatever we derive); where it does not (no controller yet, or a
 * snapshot without status), the derivation from the objects speaks. The
 * analysis lives in src/facts/gateway/*.ts.
 */
import { z } from "zod";
import { Gateway, GatewayClass, HTTPRoute, ReferenceGrant } from "../model/crds.js";
import type { GenericObject } from "../model/k8s.js";
import type { ClusterModel } from "../model/model.js";
import { accountedFor, whyMissing } from "../model/optional-apis.js";
import { isPodTerminal, podRef } from "../model/pods.js";
import { matchesServiceSelector } from "../model/selectors.js";
import type { Evidence, ObjectRef } from "../types/evidence.js";
import { analyzeGatewayAPI, type BackendRefAnalysis, type ConditionView, type GatewayAnalysis, type HTTPRouteAnalysis, type ListenerAnalysis, type ParentAnalysis } from "./gateway/analysis.js";
import type { ParentRefView } from "./gateway/attachment.js";
import { declareFacts } from "./define.js";
import { TLS_SECRET_TYPE } from "./ingress/tls.js";
import { endpointAddresses } from "./service.js";
import { ObjectRefList, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";

// The collector writes the Gateway API files only where the CRDs are installed
// and says so in manifest.json (apis): a rule needing a file the cluster does
// not serve has nothing to check; without that record it is skipped (see
// src/model/optional-apis.ts). Beside routes and Gateways, what cannot be
// judged without gateways.json, gatewayclasses.json or referencegrants.json is
// left to the controller's status, and the coverage notes say so.
const ROUTES = ["resources/httproutes.json"];
const ROUTE_BACKENDS = [...ROUTES, "resources/services.json"];
const ROUTE_ENDPOINTS = [...ROUTE_BACKENDS, "resources/endpointslices.json|resources/endpoints.json"];
const GATEWAYS = ["resources/gateways.json"];

/** Files whose absence beside routes (or Gateways) leaves part of their checks to the controller's status. */
const CONTEXT_FILES: ReadonlyArray<{ file: string; besideGateways: boolean; unchecked: string }> = [
  { file: "resources/gateways.json", besideGateways: false, unchecked: "route attachment is judged from the controller's status only (GatewayNotFound, listener and hostname mismatches are not derived)" },
  { file: "resources/gatewayclasses.json", besideGateways: true, unchecked: "GatewayClassNotFound and GatewayClassNotAccepted are not derived" },
  { file: "resources/referencegrants.json", besideGateways: true, unchecked: "cross-namespace backendRefs and certificateRefs are not checked against ReferenceGrants (RefNotPermitted comes from the controller's status only)" },
];

const Problem = z.object({ ref: z.string(), reason: z.string(), detail: z.string() });

const routeFacts = declareFacts("gateway", "HTTPRoute", ROUTES, {
  routeNamespace: { description: "The HTTPRoute's namespace.", shape: z.string(), example: "shop", },
  routeHostnames: { description: "spec.hostnames (empty: every hostname of the listeners it attaches to).", shape: StringList, example: ["shop.example.com"] },
  parentGateways: { description: "The Gateways its parentRefs name that exist.", shape: ObjectRefList, example: [{ kind: "Gateway", namespace: "infra", name: "public" }] },
  attachmentProblems: {
    description:
      "parentRefs the route does not attach to, with the reason: the controller's Accepted=False reason when it wrote one, else derived from the objects — GatewayNotFound, NoMatchingParent (no listener with that sectionName/port), NotAllowedByListeners (allowedRoutes.namespaces/kinds exclude the route), NoMatchingListenerHostname, GatewayClassNotFound, GatewayClassNotAccepted. A route with status Accepted=True is attached.",
    shape: z.array(Problem),
    example: [{ ref: "Gateway infra/public (sectionName https)", reason: "NotAllowedByListeners", detail: "listener https admits routes from namespaces: Same (infra), the route is in shop" }],
  },
  backendProblems: {
    description:
      "backendRefs that do not resolve: BackendNotFound (no such Service), PortNotExposed, PortUnspecified, RefNotPermitted (another namespace without a ReferenceGrant there; judged only when resources/referencegrants.json was collected), or the controller's ResolvedRefs=False reason and message.",
    shape: z.array(Problem),
    example: [{ ref: "Service shop/web:8080", reason: "PortNotExposed", detail: "Service shop/web exposes http:80/TCP" }],
    requires: ROUTE_BACKENDS,
  },
  backendServices: { description: "The Services its backendRefs name that exist.", shape: ObjectRefList, example: [{ kind: "Service", namespace: "shop", name: "web" }], requires: ROUTE_BACKENDS },
  servicesWithoutEndpoints: {
    description:
      "Services without any ready endpoint that a resolved backendRef (existing Service, exposed port, permitted across namespaces) with a non-zero weight sends requests to: the data plane answers 503 for that share of the rule. ExternalName Services are not checked.",
    shape: ObjectRefList,
    example: [{ kind: "Service", namespace: "shop", name: "web-canary" }],
    requires: ROUTE_ENDPOINTS,
  },
  endpointlessBackends: {
    description: "The same per backendRef: the Service and port, the rule (by its first path match), the percentage of the rule's requests it receives (its weight over the rule's total) and how many of its endpoints exist but are not ready.",
    shape: z.array(z.object({ service: z.string(), port: z.number(), rule: z.string(), trafficPercent: z.number(), notReadyEndpoints: z.number() })),
    example: [{ service: "shop/web-canary", port: 80, rule: "rules[0] (PathPrefix /)", trafficPercent: 10, notReadyEndpoints: 1 }],
    requires: ROUTE_ENDPOINTS,
  },
});

const gatewayFactsList = declareFacts("gateway", "Gateway", GATEWAYS, {
  className: { description: "spec.gatewayClassName.", shape: z.string(), example: "eg" },
  classProblem: {
    description:
      "\"not-found\": the GatewayClass does not exist; \"not-accepted\": no controller accepted it (Accepted missing or False) and the Gateway is neither Accepted nor Programmed; \"\" otherwise or when gatewayclasses.json was not collected.",
    shape: z.string(),
    example: "",
  },
  classDetail: { description: "What classProblem means for this Gateway, in words (\"\" when there is no class problem).", shape: z.string(), example: "GatewayClass envoy-gateway does not exist" },
  programmed: { description: "The Programmed condition's status (True/False/Unknown; \"\" when no controller wrote one).", shape: z.string(), example: "True" },
  conditionProblems: {
    description:
      "The Gateway's own Accepted or Programmed condition when False, with the controller's reason and message (e.g. Programmed=False AddressNotAssigned). Accepted=False ListenersNotValid is left to listenerProblems, which name the listeners.",
    shape: z.array(z.object({ condition: z.string(), reason: z.string(), message: z.string() })),
    example: [{ condition: "Programmed", reason: "AddressNotAssigned", message: "No addresses have been assigned to the Gateway" }],
  },
  listenerProblems: {
    description:
      "Listeners that carry no traffic, with why: a failing status condition (Accepted=False PortUnavailable/UnsupportedProtocol, ResolvedRefs=False InvalidCertificateRef/RefNotPermitted/InvalidRouteKinds, Conflicted=True, Programmed=False) and the controller's message, or, where the controller wrote no ResolvedRefs verdict, a certificateRef whose Secret is missing, not kubernetes.io/tls, or in another namespace without a ReferenceGrant. A listener whose status says Programmed=True serves traffic and is not listed; a generic Programmed=False beside a more specific fault is left out.",
    shape: z.array(z.object({ listener: z.string(), problem: z.string(), detail: z.string() })),
    example: [{ listener: "https", problem: "ResolvedRefs=False InvalidCertificateRef", detail: "Secret infra/public-tls does not exist." }],
  },
  attachedRoutes: { description: "Routes attached to each listener per the Gateway's status (`listener: n`).", shape: StringList, example: ["http: 2", "https: 2"] },
});

export const gatewayFacts: FactBuilder = {
  layer: "gateway",
  facts: [...routeFacts, ...gatewayFactsList],
  *build(model) {
    if (model.resources.httproutes.length === 0 && model.resources.gateways.length === 0) return;
    const classes = parseKeeping(model.resources.gatewayclasses, GatewayClass);
    const gateways = parseKeeping(model.resources.gateways, Gateway);
    const routes = parseKeeping(model.resources.httproutes, HTTPRoute);
    const grants = model.has("resources/referencegrants.json") ? parseKeeping(model.resources.referencegrants, ReferenceGrant).map((p) => p.parsed) : undefined;
    const analysis = analyzeGatewayAPI({
      gatewayClasses: classes.map((c) => c.parsed),
      gateways: gateways.map((g) => g.parsed),
      httpRoutes: routes.map((r) => r.parsed),
      referenceGrants: grants,
      namespaces: model.resources.namespaces,
      services: model.resources.services,
      secrets: model.secrets,
    });
    const gatewayByKey = new Map(analysis.gateways.map((g, i) => [key(g.gateway), { analysis: g, raw: gateways[i]!.raw }]));
    const classByName = new Map(classes.map((c) => [c.parsed.metadata.name, c.raw]));
    for (const [i, r] of analysis.httpRoutes.entries()) yield routeSubject(model, r, routes[i]!, gatewayByKey, classByName);
    for (const [i, g] of analysis.gateways.entries()) yield gatewaySubject(model, g, gateways[i]!.raw, classByName);
  },
  notes(model) {
    const routes = model.resources.httproutes.length > 0;
    const gateways = model.resources.gateways.length > 0;
    return CONTEXT_FILES.filter((c) => (routes || (c.besideGateways && gateways)) && !accountedFor(model, c.file)).map(({ file, unchecked }) => {
      const reason = whyMissing(model, file);
      return `${file} was not collected${reason ? ` (${reason})` : ""}: ${unchecked}`;
    });
  },
};

interface Kept<T> {
  parsed: T;
  /** The object as the model holds it, for evidence paths. */
  raw: GenericObject;
}

/** Parse each object with its schema, keeping the model's object beside it; objects that do not fit are left out (the mesh/gateway CRDs are lenient). */
function parseKeeping<T>(objects: readonly GenericObject[], schema: z.ZodType<T>): Kept<T>[] {
  const out: Kept<T>[] = [];
  for (const raw of objects) {
    const r = schema.safeParse(raw);
    if (r.success) out.push({ parsed: r.data, raw });
  }
  return out;
}

function key(r: ObjectRef): string {
  return `${r.namespace ?? ""}/${r.name}`;
}

function parentText(p: ParentRefView): string {
  const where = [p.sectionName ? `sectionName ${p.sectionName}` : "", p.port !== undefined ? `port ${p.port}` : ""].filter(Boolean).join(", ");
  return `${p.kind} ${p.namespace}/${p.name}${where ? ` (${where})` : ""}`;
}

function listenersText(g: GatewayAnalysis, only?: string): string {
  return g.listeners.filter((l) => only === undefined || l.name === only).map((l) => `${l.name} (${l.protocol}/${l.port}${l.hostname ? ` ${l.hostname}` : ""}, routes from ${l.allowedNamespaces}${l.allowedNamespaceSelector ? ` ${l.allowedNamespaceSelector}` : ""})`).join(", ");
}

interface GatewayEntry {
  analysis: GatewayAnalysis;
  raw: GenericObject;
}

function attachmentProblem(model: ClusterModel, p: ParentAnalysis, routeNamespace: string, gateways: ReadonlyMap<string, GatewayEntry>): { reason: string; detail: string } | undefined {
  const accepted = p.status?.accepted;
  if (accepted?.status === "True") return undefined;
  const derived = derivedProblem(model, p, routeNamespace, gateways);
  if (accepted && accepted.status === "False") {
    const said = (accepted.message ?? "the controller did not accept the route for this parent").replace(/\.+$/, "");
    return { reason: accepted.reason ?? "NotAccepted", detail: derived ? `${said}; ${derived.detail}` : said };
  }
  return derived;
}

function namespaceLabelsText(model: ClusterModel, ns: string): string {
  const labels = Object.entries(model.namespace(ns)?.metadata.labels ?? {}).filter(([k]) => k !== "kubernetes.io/metadata.name");
  return labels.length ? labels.map(([k, v]) => `${k}=${v}`).join(",") : "no labels";
}

/** Why the objects say the route cannot attach to this parent (undefined when they say it can). */
function derivedProblem(model: ClusterModel, p: ParentAnalysis, routeNamespace: string, gateways: ReadonlyMap<string, GatewayEntry>): { reason: string; detail: string } | undefined {
  const a = p.attachment;
  if (a.result !== "ServiceParent" && !model.has("resources/gateways.json")) return undefined;
  if (a.result === "UnsupportedParent") return undefined;
  if (a.result === "ServiceParent") return a.exists ? undefined : { reason: "ServiceNotFound", detail: `no Service ${a.service.namespace}/${a.service.name}` };
  const gw = gateways.get(`${p.ref.namespace}/${p.ref.name}`);
  switch (a.result) {
    case "GatewayNotFound":
      return { reason: "GatewayNotFound", detail: `no Gateway ${p.ref.namespace}/${p.ref.name}` };
    case "NoMatchingParent":
      return { reason: "NoMatchingParent", detail: `Gateway ${p.ref.namespace}/${p.ref.name} has no listener${p.ref.sectionName ? ` named ${p.ref.sectionName}` : ""}${p.ref.port !== undefined ? ` on port ${p.ref.port}` : ""}; its listeners: ${gw ? listenersText(gw.analysis) : "?"}` };
    case "NotAllowedByListeners":
      return { reason: "NotAllowedByListeners", detail: `no listener of Gateway ${p.ref.namespace}/${p.ref.name}${p.ref.sectionName ? ` named ${p.ref.sectionName}` : ""} admits HTTPRoutes from namespace ${routeNamespace} (${namespaceLabelsText(model, routeNamespace)}): ${gw ? listenersText(gw.analysis, p.ref.sectionName) : "?"}` };
    case "NoMatchingListenerHostname":
      return { reason: "NoMatchingListenerHostname", detail: `the route's hostnames match no listener hostname of Gateway ${p.ref.namespace}/${p.ref.name}: ${gw ? listenersText(gw.analysis) : "?"}` };
    default:
      break;
  }
  // Attached by the objects: the class must still be owned by a running controller.
  if (!gw) return undefined;
  const cls = classVerdict(model, gw.analysis);
  return cls ? { reason: cls.problem === "not-found" ? "GatewayClassNotFound" : "GatewayClassNotAccepted", detail: `${cls.detail}: nothing programs Gateway ${key(gw.analysis.gateway)}` } : undefined;
}

/**
 * Whether a controller owns the Gateway's class. A Gateway that is Accepted
 * or Programmed has one, whatever the class status says; judged only when
 * gatewayclasses.json was collected.
 */
function classVerdict(model: ClusterModel, g: GatewayAnalysis): { problem: "not-found" | "not-accepted"; detail: string } | undefined {
  if (!model.has("resources/gatewayclasses.json")) return undefined;
  if (g.classMissing) return { problem: "not-found", detail: `GatewayClass ${g.className} does not exist` };
  const gatewayUp = g.programmed?.status === "True" || g.accepted?.status === "True";
  if (gatewayUp || g.classAccepted?.status === "True") return undefined;
  const said = g.classAccepted ? `Accepted=${g.classAccepted.status}${g.classAccepted.reason ? ` (${g.classAccepted.reason}${g.classAccepted.message ? `: ${g.classAccepted.message}` : ""})` : ""}` : "not accepted by any controller (no status)";
  return { problem: "not-accepted", detail: `GatewayClass ${g.className} is ${said}` };
}

function backendProblem(b: BackendRefAnalysis, routeNamespace: string): { ref: string; reason: string; detail: string } | undefined {
  const ref = `${b.ref.kind} ${b.ref.namespace}/${b.ref.name}${b.ref.port !== undefined ? `:${b.ref.port}` : ""}`;
  switch (b.result) {
    case "BackendNotFound":
      return { ref, reason: "BackendNotFound", detail: `no Service ${b.ref.namespace}/${b.ref.name}` };
    case "PortNotExposed":
      return { ref, reason: "PortNotExposed", detail: `Service ${b.ref.namespace}/${b.ref.name} exposes ${b.exposedPorts.join(", ") || "no ports"}` };
    case "PortUnspecified":
      return { ref, reason: "PortUnspecified", detail: `a Service backendRef needs a port; Service ${b.ref.namespace}/${b.ref.name} exposes ${b.exposedPorts.join(", ") || "no ports"}` };
    case "RefNotPermitted":
      return { ref, reason: "RefNotPermitted", detail: `no ReferenceGrant in namespace ${b.ref.namespace} allows HTTPRoutes from namespace ${routeNamespace} to reference Service ${b.ref.name}` };
    default:
      return undefined;
  }
}

function routeSubject(model: ClusterModel, r: HTTPRouteAnalysis, kept: Kept<HTTPRoute>, gateways: ReadonlyMap<string, GatewayEntry>, classes: ReadonlyMap<string, GenericObject>): SubjectFacts {
  const ns = r.route.namespace!;
  const raw = kept.raw;
  const values: Record<string, unknown> = {};
  const evidence: Record<string, Evidence[]> = {};
  values["gateway.routeNamespace"] = ns;
  values["gateway.routeHostnames"] = r.hostnames;

  const parentGateways = r.parents.filter((p) => p.attachment.result !== "UnsupportedParent" && p.attachment.result !== "ServiceParent" && p.attachment.result !== "GatewayNotFound").map((p) => ({ kind: "Gateway", namespace: p.ref.namespace, name: p.ref.name }));
  values["gateway.parentGateways"] = uniqueRefs(parentGateways);

  const attachment: { ref: string; reason: string; detail: string }[] = [];
  const attachmentEvidence: Evidence[] = [];
  for (const p of r.parents) {
    const problem = attachmentProblem(model, p, ns, gateways);
    if (!problem) continue;
    attachment.push({ ref: parentText(p.ref), ...problem });
    attachmentEvidence.push(model.evidence(raw, p.path, `parentRef ${parentText(p.ref)}`));
    const statusIndex = (kept.parsed.status?.parents ?? []).findIndex((s) => s.parentRef.name === p.ref.name && (s.parentRef.sectionName ?? undefined) === p.ref.sectionName);
    if (p.status?.accepted) attachmentEvidence.push(model.evidence(raw, `status.parents[${statusIndex}].conditions`, `Accepted=${p.status.accepted.status} ${p.status.accepted.reason ?? ""}: ${p.status.accepted.message ?? ""}`));
    const gw = gateways.get(`${p.ref.namespace}/${p.ref.name}`);
    if (gw && problem.reason !== "GatewayClassNotAccepted" && problem.reason !== "GatewayClassNotFound") attachmentEvidence.push(model.evidence(gw.raw, "spec.listeners", `Gateway ${key(gw.analysis.gateway)} listeners: ${listenersText(gw.analysis)}`));
    if (gw && (problem.reason === "GatewayClassNotAccepted" || problem.reason === "GatewayClassNotFound")) {
      const cls = classes.get(gw.analysis.className);
      attachmentEvidence.push(cls ? model.evidence(cls, "status", `GatewayClass ${gw.analysis.className}: ${problem.detail}`) : model.evidence(gw.raw, "spec.gatewayClassName", `gatewayClassName: ${gw.analysis.className}`));
    }
  }
  values["gateway.attachmentProblems"] = attachment;
  evidence["gateway.attachmentProblems"] = attachmentEvidence;

  const backend: { ref: string; reason: string; detail: string }[] = [];
  const backendEvidence: Evidence[] = [];
  for (const b of r.backends) {
    const problem = backendProblem(b, ns);
    if (!problem) continue;
    backend.push(problem);
    backendEvidence.push(model.evidence(raw, b.path, `backendRef ${problem.ref}: ${problem.detail}`));
    const svc = model.service(b.ref.namespace, b.ref.name);
    if (svc) backendEvidence.push(model.evidence(svc, "spec.ports", `Service ${b.ref.namespace}/${b.ref.name} ports: ${b.exposedPorts.join(", ")}`));
  }
  // The controller may know of faults we cannot derive (other backend kinds, a grant we did not collect).
  r.parents.forEach((p) => {
    const rr = p.status?.resolvedRefs;
    if (!rr || rr.status !== "False" || backend.some((b) => b.reason === rr.reason)) return;
    backend.push({ ref: `(status for ${parentText(p.ref)})`, reason: rr.reason ?? "ResolvedRefs=False", detail: rr.message ?? "" });
    backendEvidence.push(model.evidence(raw, "status.parents", `ResolvedRefs=False ${rr.reason ?? ""}: ${rr.message ?? ""}`));
  });
  values["gateway.backendProblems"] = backend;
  evidence["gateway.backendProblems"] = backendEvidence;

  const services = r.backends.filter((b) => b.result === "ok" || b.result === "PortNotExposed" || b.result === "PortUnspecified").map((b) => ({ kind: "Service", namespace: b.ref.namespace, name: b.ref.name }));
  values["gateway.backendServices"] = uniqueRefs(services);

  const endpointless = endpointlessBackends(model, r, raw);
  values["gateway.endpointlessBackends"] = endpointless.entries;
  values["gateway.servicesWithoutEndpoints"] = uniqueRefs(endpointless.services);
  evidence["gateway.endpointlessBackends"] = endpointless.evidence;
  evidence["gateway.servicesWithoutEndpoints"] = endpointless.evidence;

  return { kind: "HTTPRoute", subject: r.route, values, evidence, scope: [...uniqueRefs(services), ...backendPods(model, uniqueRefs(services)), ...uniqueRefs(parentGateways)] };
}

interface EndpointlessBackend {
  service: string;
  port: number;
  rule: string;
  trafficPercent: number;
  notReadyEndpoints: number;
}

/**
 * Resolved Service backendRefs that receive requests (weight > 0) while the
 * Service has no ready endpoint. Backends that do not resolve are
 * gateway.backendProblems; ExternalName Services have no endpoints by design.
 */
function endpointlessBackends(model: ClusterModel, r: HTTPRouteAnalysis, raw: GenericObject): { entries: EndpointlessBackend[]; services: ObjectRef[]; evidence: Evidence[] } {
  const entries: EndpointlessBackend[] = [];
  const services: ObjectRef[] = [];
  const evidence: Evidence[] = [];
  const cited = new Set<string>();
  for (const b of r.backends) {
    if (b.result !== "ok" || b.share === 0) continue;
    const svc = model.service(b.ref.namespace, b.ref.name);
    if (!svc || svc.spec.type === "ExternalName") continue;
    const eps = endpointAddresses(model, svc);
    if (eps.ready.size > 0) continue;
    const service = `${b.ref.namespace}/${b.ref.name}`;
    const rule = `rules[${b.rule}] (${r.rules[b.rule]})`;
    const trafficPercent = Math.round(b.share * 1000) / 10;
    entries.push({ service, port: b.ref.port!, rule, trafficPercent, notReadyEndpoints: eps.notReady.size });
    services.push({ kind: "Service", namespace: b.ref.namespace, name: b.ref.name });
    evidence.push(model.evidence(raw, b.path, `${rule} → Service ${service}:${b.ref.port} (${trafficPercent}% of the rule's requests)`));
    if (!cited.has(service)) evidence.push(...eps.evidence.slice(0, 2));
    cited.add(service);
  }
  return { entries, services, evidence };
}

function backendPods(model: ClusterModel, services: readonly ObjectRef[]): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const s of services) {
    const svc = model.service(s.namespace!, s.name);
    const selector = svc?.spec.selector ?? {};
    if (!svc || Object.keys(selector).length === 0) continue;
    const pods = model.podsInNamespace(s.namespace!).filter((p) => !isPodTerminal(p) && matchesServiceSelector(selector, p.metadata.labels));
    out.push(...pods.map(podRef), ...pods.map((p) => model.workloadOf(p).ref), ...pods.flatMap((p) => (p.spec.nodeName ? [{ kind: "Node", name: p.spec.nodeName }] : [])));
  }
  return uniqueRefs(out);
}

/** A generic Programmed=False ("see other Conditions") says nothing a more specific failing condition does not. */
function listenerFaults(l: ListenerAnalysis): ConditionView[] {
  if (l.programmed?.status === "True") return [];
  const specific = l.failingConditions.filter((c) => c.type !== "Programmed");
  return specific.length > 0 ? specific : l.failingConditions;
}

const BAD_CERTIFICATE_REF = new Set(["missing", "wrong-type", "ref-not-permitted"]);

interface ListenerProblem {
  listener: string;
  problem: string;
  detail: string;
}

function listenerProblems(model: ClusterModel, g: GatewayAnalysis, raw: GenericObject): { problems: ListenerProblem[]; evidence: Evidence[] } {
  const problems: ListenerProblem[] = [];
  const evidence: Evidence[] = [];
  const statusIndex = new Map(((raw.status as { listeners?: { name?: string }[] } | undefined)?.listeners ?? []).map((l, i) => [l.name, i]));
  let certificateTrouble = false;
  for (const l of g.listeners) {
    if (l.programmed?.status === "True") continue;
    const faults = listenerFaults(l);
    for (const c of faults) problems.push({ listener: l.name, problem: `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ""}`, detail: (c.message ?? "").replace(/\.+$/, "") });
    if (faults.length > 0) evidence.push(model.evidence(raw, `status.listeners[${statusIndex.get(l.name) ?? 0}].conditions`, `listener ${l.name}: ${faults.map((c) => `${c.type}=${c.status} ${c.reason ?? ""}: ${c.message ?? ""}`).join("; ")}`));
    if (faults.some((c) => c.reason === "InvalidCertificateRef" || c.reason === "RefNotPermitted")) {
      certificateTrouble = true;
      for (const c of l.certificateRefs) evidence.push(model.evidence(raw, c.path, `listener ${l.name} certificateRef: Secret ${c.secret.namespace}/${c.secret.name}`));
    }
    // The controller's ResolvedRefs verdict, when written, already judged the certificateRefs.
    if (l.resolvedRefs) continue;
    for (const c of l.certificateRefs.filter((ref) => BAD_CERTIFICATE_REF.has(ref.status))) {
      const ref = `${c.secret.namespace}/${c.secret.name}`;
      const detail = c.status === "missing" ? `Secret ${ref} is not in secrets.tsv` : c.status === "wrong-type" ? `Secret ${ref} is not of type kubernetes.io/tls` : `no ReferenceGrant in namespace ${c.secret.namespace} allows Gateways from ${g.gateway.namespace} to reference Secret ${c.secret.name}`;
      problems.push({ listener: l.name, problem: `certificateRef ${ref}: ${c.status}`, detail });
      evidence.push(model.evidence(raw, c.path, `listener ${l.name} certificateRef ${ref}: ${detail}`));
      certificateTrouble = true;
    }
  }
  // The TLS Secrets that do exist are the likeliest intended ones (a renamed or differently named Secret).
  if (certificateTrouble && model.secrets) {
    const tls = model.secrets.filter((e) => e.namespace === g.gateway.namespace && e.type === TLS_SECRET_TYPE).map((e) => e.name);
    evidence.push({ file: "resources/secrets.tsv", excerpt: `kubernetes.io/tls Secrets in ${g.gateway.namespace}: ${tls.join(", ") || "none"}` });
  }
  return { problems, evidence };
}

function gatewaySubject(model: ClusterModel, g: GatewayAnalysis, raw: GenericObject, classes: ReadonlyMap<string, GenericObject>): SubjectFacts {
  const cls = classVerdict(model, g);
  const listeners = listenerProblems(model, g, raw);
  const conditionProblems = [g.accepted, g.programmed]
    .filter((c): c is ConditionView => c?.status === "False" && c.reason !== "ListenersNotValid")
    .map((c) => ({ condition: c.type, reason: c.reason ?? "", message: c.message ?? "" }));
  const classObject = classes.get(g.className);
  const values: Record<string, unknown> = {
    "gateway.className": g.className,
    "gateway.classProblem": cls?.problem ?? "",
    "gateway.classDetail": cls?.detail ?? "",
    "gateway.programmed": g.programmed?.status ?? "",
    "gateway.conditionProblems": conditionProblems,
    "gateway.listenerProblems": listeners.problems,
    "gateway.attachedRoutes": g.listeners.filter((l) => l.attachedRoutes !== undefined).map((l) => `${l.name}: ${l.attachedRoutes}`),
  };
  const conditionsEvidence = model.evidence(raw, "status.conditions", [g.accepted, g.programmed].filter((c) => c).map((c) => `${c!.type}=${c!.status} ${c!.reason ?? ""}: ${c!.message ?? ""}`).join("; ") || "no status conditions (no controller has processed the Gateway)");
  const classEvidence = [
    model.evidence(raw, "spec.gatewayClassName", `gatewayClassName: ${g.className}`),
    classObject
      ? model.evidence(classObject, "status", `GatewayClass ${g.className}: ${cls?.detail ?? "accepted"}`)
      : { file: "resources/gatewayclasses.json", excerpt: `no GatewayClass ${g.className}; the classes are ${[...classes.keys()].join(", ") || "none"}` },
  ];
  const evidence: Record<string, Evidence[]> = {
    "gateway.classProblem": [...classEvidence, conditionsEvidence],
    "gateway.classDetail": classEvidence,
    "gateway.programmed": [conditionsEvidence],
    "gateway.conditionProblems": [conditionsEvidence],
    "gateway.listenerProblems": listeners.evidence,
  };
  return { kind: "Gateway", subject: g.gateway, values, evidence };
}

function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace ?? ""}/${r.name}`, r);
  return [...seen.values()];
}
