/**
 * Ingress layer facts. Two kinds of subject:
 *
 * - every Ingress: whether its backends resolve (Service exists in the
 *   Ingress's namespace, port by number or name among the Service's ports,
 *   ready endpoints), which class serves it and whether that class exists and
 *   has a running controller, its TLS Secrets, the host/path claims it loses
 *   to an older Ingress of the same class, and what the controllers log about
 *   its backends (symptoms, attached under the backend's own cause);
 * - every Workload running an ingress controller: its pods' readiness and
 *   the RBAC refusals its ServiceAccount meets.
 *
 * The analysis itself lives in src/facts/ingress/*.ts (pure functions); this
 * file only turns it into facts with evidence.
 */
import { z } from "zod";
import type { ClusterModel, WorkloadGroup } from "../model/model.js";
import type { Ingress, Pod, Service } from "../model/k8s.js";
import { podIPs } from "../model/build.js";
import { allContainerStatuses, isPodReady, isPodTerminal, podRef } from "../model/pods.js";
import { matchesServiceSelector } from "../model/selectors.js";
import { rbacForbiddenSignal } from "../model/signals/ingress-nginx.js";
import { scanLogFiles } from "../model/signals/collect.js";
import { clip, type Evidence, type ObjectRef } from "../types/evidence.js";
import { ingressAnalysisOf, type IngressAnalysis } from "./ingress/analysis.js";
import { indexServices, serviceKey, type ResolvedBackend } from "./ingress/backends.js";
import { classNamesServedWithoutObject, watchesClasslessIngresses } from "./ingress/controllers.js";
import type { PathClaim, RuleConflict } from "./ingress/conflicts.js";
import { attributeEdgeLogLines, isEdgeProxyPod, upstreamErrorsFor, type AttributedLine } from "./ingress/upstream-errors.js";
import { declareFacts } from "./define.js";
import { endpointAddresses } from "./service.js";
import { ObjectRefList, ObjectRefShape, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";

const ING = ["resources/ingresses.json"];
const ING_SVC = ["resources/ingresses.json", "resources/services.json"];
const ING_CLASS = ["resources/ingresses.json", "resources/ingressclasses.json"];
const ING_CONTROLLER = ["resources/ingresses.json", "resources/ingressclasses.json", "resources/pods.json"];
const ING_LOGS = ["resources/ingresses.json", "resources/services.json", "resources/pods.json", "logs/*/*/*.log"];

const BackendRoutes = z.object({ service: z.string(), routes: StringList });

const perIngressFacts = declareFacts("ingress", "Ingress", ING, {
  namespace: { description: "The Ingress's namespace.", shape: z.string(), example: "shop" },
  name: { description: "The Ingress's name.", shape: z.string(), example: "shop" },
  hosts: { description: "The hosts its rules serve (\"*\" for a rule without host).", shape: StringList, example: ["shop.example.com"] },
  backendServices: { description: "The Services its backends name that exist (in the Ingress's namespace: a backend never names another namespace).", shape: ObjectRefList, example: [{ kind: "Service", namespace: "shop", name: "web" }], requires: ING_SVC },
  missingServices: {
    description: "Backends naming a Service that does not exist in the Ingress's namespace, with the routes (host + path) sending traffic there.",
    shape: z.array(BackendRoutes),
    example: [{ service: "web-frontend", routes: ["shop.example.com/"] }],
    requires: ING_SVC,
  },
  portMismatches: {
    description: "Backends whose port (service.port.number or .name) is not a port the Service exposes (spec.ports[].port / .name; targetPort does not count).",
    shape: z.array(BackendRoutes.extend({ port: z.string(), exposed: StringList })),
    example: [{ service: "web", port: "8080", exposed: ["http:80/TCP"], routes: ["shop.example.com/"] }],
    requires: ING_SVC,
  },
  portMismatchServices: { description: "The Services those backends name.", shape: ObjectRefList, example: [{ kind: "Service", namespace: "shop", name: "web" }], requires: ING_SVC },
  servicesWithoutEndpoints: {
    description: "Backend Services (not ExternalName) that have no ready endpoint: the controller answers 503 for their routes.",
    shape: ObjectRefList,
    example: [{ kind: "Service", namespace: "shop", name: "web" }],
    requires: [...ING_SVC, "resources/endpointslices.json|resources/endpoints.json"],
  },
  endpointlessBackends: {
    description: "The same, with the routes concerned and how many endpoints exist but are not ready.",
    shape: z.array(BackendRoutes.extend({ notReadyEndpoints: z.number() })),
    example: [{ service: "web", routes: ["shop.example.com/"], notReadyEndpoints: 0 }],
    requires: [...ING_SVC, "resources/endpointslices.json|resources/endpoints.json"],
  },
  className: { description: "The class that serves the Ingress: spec.ingressClassName, else the legacy kubernetes.io/ingress.class annotation, else the default IngressClass (\"\" when none).", shape: z.string(), example: "nginx", requires: ING_CLASS },
  classSource: { description: "Where the class came from: spec, annotation, default or none.", shape: z.enum(["spec", "annotation", "default", "none"]), example: "spec", requires: ING_CLASS },
  classProblem: {
    description: "\"class-not-found\": spec.ingressClassName names no IngressClass; \"no-class-no-default\": no class set, no default IngressClass, no running controller that serves classless Ingresses and no address in the Ingress's status; \"\" otherwise.",
    shape: z.string(),
    example: "class-not-found",
    requires: ING_CONTROLLER,
  },
  availableClasses: { description: "The IngressClasses that exist, `name (controller)`, default marked.", shape: StringList, example: ["nginx (k8s.io/ingress-nginx, default)"], requires: ING_CLASS },
  classNotes: { description: "What else is worth knowing about the class choice (deprecated annotation, field and annotation disagreeing, several defaults).", shape: StringList, example: ["class set by the deprecated annotation kubernetes.io/ingress.class; use spec.ingressClassName"], requires: ING_CLASS },
  ingressClass: { description: "The IngressClass object serving the Ingress, or null.", shape: ObjectRefShape.nullable(), example: { kind: "IngressClass", name: "nginx" }, requires: ING_CLASS },
  controllerName: { description: "spec.controller of that IngressClass (\"\" when none).", shape: z.string(), example: "k8s.io/ingress-nginx", requires: ING_CLASS },
  controllerStatus: {
    description: "Health of the controller of that IngressClass: ready, degraded (some pods not ready), down (none ready), missing (no pod of a known controller runs it), unknown (a controller we do not recognise, e.g. a cloud load balancer controller outside the cluster), none (no IngressClass).",
    shape: z.enum(["ready", "degraded", "down", "missing", "unknown", "none"]),
    example: "ready",
    requires: ING_CONTROLLER,
  },
  controllerPods: { description: "The controller pods serving the Ingress's class.", shape: ObjectRefList, example: [{ kind: "Pod", namespace: "ingress-nginx", name: "ingress-nginx-controller-5d88495688-4xqzv" }], requires: ING_CONTROLLER },
  tlsSecretProblems: {
    description: "spec.tls entries whose Secret does not exist in the Ingress's namespace, or is not of type kubernetes.io/tls (needs resources/secrets.tsv; entries without secretName use the controller's default certificate and are fine).",
    shape: z.array(z.object({ secret: z.string(), hosts: StringList, problem: z.enum(["missing", "wrong-type"]), type: z.string() })),
    example: [{ secret: "shop-tls", hosts: ["shop.example.com"], problem: "missing", type: "" }],
    requires: ["resources/ingresses.json", "resources/secrets.tsv"],
  },
  tlsSecretLogLines: { description: "Controller log lines saying a TLS Secret of this Ingress was not found (ingress-nginx `Error getting SSL certificate`).", shape: z.number(), example: 2, requires: ["resources/ingresses.json", "resources/pods.json", "logs/*/*/*.log"] },
  shadowedRules: {
    description: "Host + path (+ pathType) claims of this Ingress that an older Ingress of the same class also makes, sending the traffic to a different backend: the controller serves one of them (ingress-nginx the oldest), so this one's rule is dead or flapping.",
    shape: z.array(z.object({ host: z.string(), path: z.string(), pathType: z.string(), winner: z.string(), notes: StringList })),
    example: [{ host: "shop.example.com", path: "/api", pathType: "Prefix", winner: "shop/shop-api", notes: [] }],
    requires: ING_CLASS,
  },
  conflictingIngresses: { description: "The older Ingresses those claims collide with.", shape: ObjectRefList, example: [{ kind: "Ingress", namespace: "shop", name: "shop-api" }], requires: ING_CLASS },
  upstreamErrorLines: {
    description: "Ingress controller / gateway log lines reporting a failure of this Ingress's backends: ingress-nginx `does not have any active Endpoint`, `connect() failed`, `upstream timed out`, 502/503/504 access lines; Traefik `no endpoints found`; Envoy UH/UF. Symptoms of a backend cause.",
    shape: z.number(),
    example: 12,
    requires: ING_LOGS,
  },
  upstreamErrorSignals: { description: "Which of those signals, with counts.", shape: StringList, example: ["ingress-nginx.access-503 ×10", "ingress-nginx.service-no-active-endpoints ×2"], requires: ING_LOGS },
  upstreamErrorServices: { description: "The backend Services those lines concern.", shape: ObjectRefList, example: [{ kind: "Service", namespace: "shop", name: "web" }], requires: ING_LOGS },
});

const CONTROLLER = ["resources/pods.json"];

const controllerFacts = declareFacts("ingress", "Workload", CONTROLLER, {
  controllerKind: { description: "The ingress controller this workload runs (ingress-nginx, traefik, contour, haproxy-ingress, kong…; \"\" when it runs none).", shape: z.string(), example: "ingress-nginx" },
  controllerPodCount: { description: "Non-terminal pods of the controller workload.", shape: z.number(), example: 2 },
  controllerReadyPods: { description: "Of those, the Ready ones.", shape: z.number(), example: 2 },
  controllerPodProblems: { description: "Controller pods that are not ready, with why (waiting reason, restarts, last exit).", shape: z.array(z.object({ pod: z.string(), detail: z.string() })), example: [{ pod: "ingress-nginx-controller-5d88495688-4xqzv", detail: "CrashLoopBackOff, 12 restarts, last exit Error (code 1)" }] },
  rbacForbiddenLines: { description: "Log lines where the controller's ServiceAccount is refused a list/watch (`… is forbidden: User \"system:serviceaccount:…\" cannot list resource …`): it serves stale or no configuration.", shape: z.number(), example: 14, requires: ["resources/pods.json", "logs/*/*/*.log"] },
  rbacForbiddenResources: { description: "The resources it may not read.", shape: StringList, example: ["endpointslices", "services"], requires: ["resources/pods.json", "logs/*/*/*.log"] },
  rbacServiceAccount: { description: "The ServiceAccount refused (ns/name; \"\" when none).", shape: z.string(), example: "ingress-nginx/ingress-nginx", requires: ["resources/pods.json", "logs/*/*/*.log"] },
  reloadFailing: {
    description: "In some controller pod's current log, the last nginx reload failed (`Unexpected failure reloading the backend`, no `successfully reloaded` after it): configuration changes since are not served.",
    shape: z.boolean(),
    example: false,
    requires: ["resources/pods.json", "logs/*/*/*.log"],
  },
  reloadError: { description: "Why nginx refused the configuration: the first `[emerg]` line after the last failure (\"\" when none).", shape: z.string(), example: "nginx: [emerg] unknown directive \"proxy_set_headr\" in /tmp/nginx/nginx-cfg2395614047:1139", requires: ["resources/pods.json", "logs/*/*/*.log"] },
  servedIngresses: { description: "The Ingresses whose class this controller serves.", shape: ObjectRefList, example: [{ kind: "Ingress", namespace: "shop", name: "shop" }], requires: ["resources/pods.json", "resources/ingresses.json", "resources/ingressclasses.json"] },
  servedIngressCount: { description: "How many that is.", shape: z.number(), example: 3, requires: ["resources/pods.json", "resources/ingresses.json", "resources/ingressclasses.json"] },
});

export const ingressFacts: FactBuilder = {
  layer: "ingress",
  facts: [...perIngressFacts, ...controllerFacts],
  *build(model) {
    const analysis = ingressAnalysisOf(model);
    const edgeLines = edgeLogLines(model);
    const ingressByKey = new Map(model.resources.ingresses.map((i) => [serviceKey(i.metadata.namespace ?? "default", i.metadata.name), i]));
    const ctx: IngressContext = {
      model,
      edgeLines,
      classlessWatched: model.resources.pods.some((p) => !isPodTerminal(p) && watchesClasslessIngresses(p)),
      servedWithoutObject: classNamesServedWithoutObject(model.resources.pods.filter((p) => !isPodTerminal(p))),
      winners: conflictWinners(analysis.conflicts, ingressByKey),
    };
    for (const a of analysis.ingresses) {
      const ing = ingressByKey.get(serviceKey(a.ingress.namespace!, a.ingress.name));
      if (ing) yield ingressSubject(ctx, ing, a);
    }
    const servedBy = new Map<string, ObjectRef[]>();
    for (const a of analysis.ingresses) {
      for (const p of a.controller?.pods ?? []) {
        const list = servedBy.get(`${p.pod.namespace}/${p.pod.name}`) ?? [];
        list.push(a.ingress);
        servedBy.set(`${p.pod.namespace}/${p.pod.name}`, list);
      }
    }
    // findControllerPods drops lookalikes (an Envoy without Contour is not Contour's data plane).
    const controllerPods = new Map(analysis.controllerPods.map((p) => [`${p.pod.namespace}/${p.pod.name}`, p]));
    for (const group of model.workloads()) {
      const found = group.pods.map((p) => controllerPods.get(`${p.metadata.namespace ?? "default"}/${p.metadata.name}`)).find((c) => c !== undefined);
      if (found) yield controllerSubject(model, group, found.kind, servedBy);
    }
  },
};

interface IngressContext {
  model: ClusterModel;
  edgeLines: AttributedLine[];
  classlessWatched: boolean;
  servedWithoutObject: Set<string>;
  /** `ns/name` of an Ingress → its claims that an older Ingress wins. */
  winners: Map<string, { claim: PathClaim; winner: ObjectRef; conflict: RuleConflict }[]>;
}

function edgeLogLines(model: ClusterModel): AttributedLine[] {
  return model.memo("ingress.edgeLogLines", () => {
    const edgePods = new Set(model.resources.pods.filter(isEdgeProxyPod).map((p) => `${p.metadata.namespace ?? "default"}/${p.metadata.name}`));
    const logs = model.logs.filter((l) => edgePods.has(`${l.namespace}/${l.pod}`));
    return attributeEdgeLogLines(logs, indexServices(model.resources.services));
  });
}

function routeOf(b: { host: string; httpPath?: string }): string {
  return b.httpPath === undefined ? "(default backend)" : `${b.host || "*"}${b.httpPath}`;
}

function groupRoutes(backends: readonly ResolvedBackend[]): Map<string, { backends: ResolvedBackend[]; routes: string[] }> {
  const out = new Map<string, { backends: ResolvedBackend[]; routes: string[] }>();
  for (const b of backends) {
    const g = out.get(b.backend.service) ?? { backends: [], routes: [] };
    g.backends.push(b);
    const r = routeOf(b.backend);
    if (!g.routes.includes(r)) g.routes.push(r);
    out.set(b.backend.service, g);
  }
  return out;
}

function creation(ing: Ingress | undefined): string {
  return ing?.metadata.creationTimestamp ?? "";
}

/** Per conflict, the oldest Ingress wins (ingress-nginx sorts Ingresses by creation time, then name); the others lose. */
function conflictWinners(conflicts: readonly RuleConflict[], ingresses: ReadonlyMap<string, Ingress>): IngressContext["winners"] {
  const out: IngressContext["winners"] = new Map();
  for (const c of conflicts) {
    if (c.sameBackend) continue;
    const key = (r: ObjectRef) => serviceKey(r.namespace!, r.name);
    const sorted = [...c.claims].sort((a, b) => creation(ingresses.get(key(a.ingress))).localeCompare(creation(ingresses.get(key(b.ingress)))) || key(a.ingress).localeCompare(key(b.ingress)));
    const winner = sorted[0]!.ingress;
    for (const claim of sorted) {
      if (key(claim.ingress) === key(winner)) continue;
      const list = out.get(key(claim.ingress)) ?? [];
      if (!list.some((l) => l.conflict === c)) list.push({ claim, winner, conflict: c });
      out.set(key(claim.ingress), list);
    }
  }
  return out;
}

function ingressSubject(ctx: IngressContext, ing: Ingress, a: IngressAnalysis): SubjectFacts {
  const { model } = ctx;
  const ns = a.ingress.namespace!;
  const values: Record<string, unknown> = {};
  const evidence: Record<string, Evidence[]> = {};
  const at = (path: string, excerpt: string) => model.evidence(ing, path, excerpt);

  values["ingress.namespace"] = ns;
  values["ingress.name"] = a.ingress.name;
  values["ingress.hosts"] = [...new Set((ing.spec.rules ?? []).map((r) => r.host || "*"))];

  // Backends
  const existing = a.serviceBackends.filter((b) => b.service);
  const services = new Map<string, Service>();
  for (const b of existing) {
    const svc = model.service(ns, b.backend.service);
    if (svc) services.set(b.backend.service, svc);
  }
  values["ingress.backendServices"] = [...services.keys()].map((name) => ({ kind: "Service", namespace: ns, name }));

  const missing = groupRoutes(a.serviceBackends.filter((b) => b.problem === "service-missing"));
  values["ingress.missingServices"] = [...missing].map(([service, g]) => ({ service, routes: g.routes }));
  evidence["ingress.missingServices"] = [...missing.values()].flatMap((g) => g.backends.slice(0, 2)).map((b) => at(b.backend.path, `${routeOf(b.backend)} → service ${b.backend.service} (no such Service in ${ns})`));

  const badPorts = a.serviceBackends.filter((b) => b.problem === "port-not-exposed" || b.problem === "port-unspecified");
  values["ingress.portMismatches"] = badPorts.map((b) => ({ service: b.backend.service, port: portText(b), exposed: b.exposedPorts, routes: [routeOf(b.backend)] }));
  values["ingress.portMismatchServices"] = [...new Set(badPorts.map((b) => b.backend.service))].map((name) => ({ kind: "Service", namespace: ns, name }));
  evidence["ingress.portMismatches"] = [
    ...badPorts.slice(0, 3).map((b) => at(`${b.backend.path}.service.port`, `${routeOf(b.backend)} → service ${b.backend.service} port ${portText(b)}`)),
    ...[...new Set(badPorts.map((b) => b.backend.service))].slice(0, 2).flatMap((name) => {
      const svc = services.get(name);
      return svc ? [model.evidence(svc, "spec.ports", `Service ${ns}/${name} exposes ${existingPorts(a, name)}`)] : [];
    }),
  ];

  const endpointless: { service: string; routes: string[]; notReadyEndpoints: number }[] = [];
  const endpointEvidence: Evidence[] = [];
  for (const [name, g] of groupRoutes(existing)) {
    const svc = services.get(name);
    if (!svc || svc.spec.type === "ExternalName") continue;
    const eps = endpointAddresses(model, svc);
    if (eps.ready.size > 0) continue;
    endpointless.push({ service: name, routes: g.routes, notReadyEndpoints: eps.notReady.size });
    endpointEvidence.push(at(g.backends[0]!.backend.path, `${g.routes.join(", ")} → service ${name}`), ...eps.evidence.slice(0, 2));
  }
  values["ingress.endpointlessBackends"] = endpointless;
  values["ingress.servicesWithoutEndpoints"] = endpointless.map((e) => ({ kind: "Service", namespace: ns, name: e.service }));
  evidence["ingress.endpointlessBackends"] = endpointEvidence;
  evidence["ingress.servicesWithoutEndpoints"] = endpointEvidence;

  // Class and controller
  const cls = a.class;
  let classProblem = cls.problem ?? "";
  if (classProblem === "class-not-found" && cls.className && ctx.servedWithoutObject.has(cls.className)) classProblem = "";
  // A controller that publishes an address for a classless Ingress serves it (GKE's ingress-gce runs outside the cluster and takes classless Ingresses).
  const hasAddress = ((ing.status as { loadBalancer?: { ingress?: unknown[] } } | null | undefined)?.loadBalancer?.ingress ?? []).length > 0;
  if (classProblem === "no-class-no-default" && (ctx.classlessWatched || hasAddress)) classProblem = "";
  values["ingress.className"] = cls.className ?? "";
  values["ingress.classSource"] = cls.source;
  values["ingress.classProblem"] = classProblem;
  values["ingress.availableClasses"] = model.resources.ingressclasses.map((c) => `${c.metadata.name} (${c.spec.controller ?? "no controller"}${c.metadata.annotations["ingressclass.kubernetes.io/is-default-class"] === "true" ? ", default" : ""})`);
  values["ingress.classNotes"] = cls.notes;
  values["ingress.ingressClass"] = cls.ingressClass ?? null;
  values["ingress.controllerName"] = cls.controller ?? "";
  values["ingress.controllerStatus"] = a.controller?.status ?? "none";
  values["ingress.controllerPods"] = (a.controller?.pods ?? []).map((p) => p.pod);
  const classEvidence = [
    ing.spec.ingressClassName ? at("spec.ingressClassName", `ingressClassName: ${ing.spec.ingressClassName}`) : at("metadata", cls.source === "annotation" ? `annotation kubernetes.io/ingress.class: ${cls.className}` : "no ingressClassName and no kubernetes.io/ingress.class annotation"),
    ...model.resources.ingressclasses.slice(0, 3).map((c) => model.evidence(c, "spec.controller", `IngressClass ${c.metadata.name}: controller ${c.spec.controller ?? "(none)"}${c.metadata.annotations["ingressclass.kubernetes.io/is-default-class"] === "true" ? " (default)" : ""}`)),
  ];
  if (model.resources.ingressclasses.length === 0) classEvidence.push({ file: "resources/ingressclasses.json", excerpt: "no IngressClass objects" });
  evidence["ingress.classProblem"] = classEvidence;
  evidence["ingress.controllerStatus"] = [
    classEvidence[0]!,
    ...(a.controller?.pods ?? []).slice(0, 3).flatMap((p) => {
      const pod = model.podsInNamespace(p.pod.namespace!).find((x) => x.metadata.name === p.pod.name);
      return pod ? [model.evidence(pod, "status.conditions", `${p.pod.name}: ${p.ready ? "Ready" : "not Ready"}`)] : [];
    }),
    ...(a.controller && a.controller.pods.length === 0 ? [{ file: "resources/pods.json", excerpt: `no pod of controller ${a.controller.controller ?? a.controller.kind ?? "?"} runs` }] : []),
  ];

  // TLS
  const tls = a.tls.filter((t) => t.status === "missing" || t.status === "wrong-type");
  values["ingress.tlsSecretProblems"] = tls.map((t) => ({ secret: t.secretName!, hosts: t.hosts, problem: t.status as "missing" | "wrong-type", type: t.secretType ?? "" }));
  evidence["ingress.tlsSecretProblems"] = tls.map((t) => at(t.path, `tls secretName ${t.secretName} for ${t.hosts.join(", ") || "all hosts"}: ${t.status === "missing" ? `no such Secret in ${ns} (secrets.tsv)` : `Secret type ${t.secretType}, not kubernetes.io/tls`}`));
  const secretKeys = new Set(tls.map((t) => serviceKey(ns, t.secretName!)));
  const secretLines = ctx.edgeLines.filter((l) => l.secret && secretKeys.has(l.secret));
  values["ingress.tlsSecretLogLines"] = secretLines.length;
  evidence["ingress.tlsSecretLogLines"] = secretLines.slice(0, 3).map((l) => l.evidence);

  // Conflicts lost to older Ingresses
  const lost = ctx.winners.get(serviceKey(ns, a.ingress.name)) ?? [];
  values["ingress.shadowedRules"] = lost.map((l) => ({ host: l.conflict.host || "*", path: l.conflict.path, pathType: l.claim.declaredPathType, winner: `${l.winner.namespace}/${l.winner.name}`, notes: l.conflict.notes }));
  values["ingress.conflictingIngresses"] = uniqueRefs(lost.map((l) => l.winner));
  evidence["ingress.shadowedRules"] = lost.slice(0, 3).flatMap((l) => {
    const w = model.resources.ingresses.find((i) => i.metadata.name === l.winner.name && (i.metadata.namespace ?? "default") === l.winner.namespace);
    const mine = at(l.claim.backend.path, `${l.conflict.host || "*"}${l.claim.path} (${l.claim.declaredPathType}) → ${backendText(l.claim)}`);
    const other = l.conflict.claims.find((c) => c.ingress.name === l.winner.name && c.ingress.namespace === l.winner.namespace);
    return w && other ? [mine, model.evidence(w, other.backend.path, `older Ingress ${l.winner.namespace}/${l.winner.name} (created ${creation(w)}): ${l.conflict.host || "*"}${other.path} (${other.declaredPathType}) → ${backendText(other)}`)] : [mine];
  });

  // Controller log lines about the backends
  const targets = backendTargets(model, ns, services);
  // A missing Service can only be named (`Error obtaining Endpoints for Service "ns/name"`), never reached by address.
  for (const name of missing.keys()) targets.set(serviceKey(ns, name), new Set());
  const errors = upstreamErrorsFor(ctx.edgeLines, targets);
  values["ingress.upstreamErrorLines"] = errors.lines;
  values["ingress.upstreamErrorSignals"] = errors.signals;
  values["ingress.upstreamErrorServices"] = errors.services.map((k) => ({ kind: "Service", namespace: k.split("/")[0]!, name: k.split("/")[1]! }));
  evidence["ingress.upstreamErrorLines"] = errors.samples;

  const scope: ObjectRef[] = [...(values["ingress.backendServices"] as ObjectRef[]), ...backendPodsAndWorkloads(model, [...services.values()]), ...(a.controller?.pods ?? []).map((p) => p.pod)];
  return { kind: "Ingress", subject: a.ingress, values, evidence, scope };
}

function portText(b: ResolvedBackend): string {
  return b.backend.port.number != null ? String(b.backend.port.number) : b.backend.port.name ?? "(none)";
}

function existingPorts(a: IngressAnalysis, service: string): string {
  return a.serviceBackends.find((b) => b.backend.service === service)?.exposedPorts.join(", ") || "no ports";
}

function backendText(c: PathClaim): string {
  const b = c.backend;
  if (b.kind === "service") return `service ${b.service}:${b.port.number ?? b.port.name ?? ""}`;
  if (b.kind === "resource") return `${b.resource.kind} ${b.resource.name}`;
  return "an invalid backend";
}

function selectedPods(model: ClusterModel, svc: Service): Pod[] {
  const selector = svc.spec.selector ?? {};
  if (Object.keys(selector).length === 0) return [];
  return model.podsInNamespace(svc.metadata.namespace ?? "default").filter((p) => !isPodTerminal(p) && matchesServiceSelector(selector, p.metadata.labels));
}

/** Per backend Service (`ns/name`), the addresses a controller log line may name for it: pod IPs, endpoint IPs, the ClusterIP. */
function backendTargets(model: ClusterModel, ns: string, services: ReadonlyMap<string, Service>): Map<string, Set<string>> {
  const targets = new Map<string, Set<string>>();
  for (const [name, svc] of services) {
    const addrs = new Set<string>();
    if (svc.spec.clusterIP && svc.spec.clusterIP !== "None") addrs.add(svc.spec.clusterIP);
    for (const p of selectedPods(model, svc)) for (const ip of podIPs(p)) addrs.add(ip);
    const eps = endpointAddresses(model, svc);
    for (const ip of [...eps.ready, ...eps.notReady]) addrs.add(ip);
    targets.set(serviceKey(ns, name), addrs);
  }
  return targets;
}

function backendPodsAndWorkloads(model: ClusterModel, services: readonly Service[]): ObjectRef[] {
  const pods = services.flatMap((s) => selectedPods(model, s));
  return uniqueRefs([...pods.map((p) => model.workloadOf(p).ref), ...pods.map(podRef), ...pods.flatMap((p) => (p.spec.nodeName ? [{ kind: "Node", name: p.spec.nodeName }] : []))]);
}

function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace ?? ""}/${r.name}`, r);
  return [...seen.values()];
}

function podProblem(p: Pod): string {
  const parts: string[] = [];
  for (const s of allContainerStatuses(p)) {
    const waiting = s.state?.waiting?.reason;
    if (waiting) parts.push(waiting);
    if ((s.restartCount ?? 0) > 0) parts.push(`${s.restartCount} restarts`);
    const last = s.lastState?.terminated;
    if (last) parts.push(`last exit ${last.reason ?? "?"} (code ${last.exitCode ?? "?"})`);
  }
  const ready = (p.status.conditions ?? []).find((c) => c.type === "Ready");
  if (parts.length === 0) parts.push(`phase ${p.status.phase ?? "?"}, Ready=${ready?.status ?? "?"}${ready?.reason ? ` (${ready.reason})` : ""}`);
  return [...new Set(parts)].join(", ");
}

function controllerSubject(model: ClusterModel, group: WorkloadGroup, kind: string, servedBy: ReadonlyMap<string, ObjectRef[]>): SubjectFacts {
  const pods = group.pods.filter((p) => !isPodTerminal(p));
  const notReady = pods.filter((p) => !isPodReady(p));
  const logs = pods.flatMap((p) => model.logsOf(p.metadata.namespace ?? "default", p.metadata.name).filter((l) => l.pod === p.metadata.name));
  const rbac = scanLogFiles(logs, [rbacForbiddenSignal("ingress-controller")]).get("ingress-controller.rbac-forbidden");
  const reload = lastReloadFailure(logs.filter((l) => !l.previous));
  const served = uniqueRefs(pods.flatMap((p) => servedBy.get(`${p.metadata.namespace ?? "default"}/${p.metadata.name}`) ?? []));
  const values: Record<string, unknown> = {
    "ingress.controllerKind": kind,
    "ingress.controllerPodCount": pods.length,
    "ingress.controllerReadyPods": pods.length - notReady.length,
    "ingress.controllerPodProblems": notReady.map((p) => ({ pod: p.metadata.name, detail: podProblem(p) })),
    "ingress.rbacForbiddenLines": rbac?.count ?? 0,
    "ingress.rbacForbiddenResources": rbac?.values["resource"] ?? [],
    "ingress.rbacServiceAccount": rbac ? `${rbac.captures["saNamespace"]}/${rbac.captures["serviceAccount"]}` : "",
    "ingress.reloadFailing": reload !== undefined,
    "ingress.reloadError": reload?.reason ?? "",
    "ingress.servedIngresses": served,
    "ingress.servedIngressCount": served.length,
  };
  const podEvidence = (notReady.length > 0 ? notReady : pods).slice(0, 3).map((p) => model.evidence(p, "status", `${p.metadata.name}: ${podProblem(p)}`));
  const evidence: Record<string, Evidence[]> = {
    "ingress.controllerReadyPods": podEvidence,
    "ingress.controllerPodProblems": podEvidence,
    "ingress.rbacForbiddenLines": rbac?.samples ?? [],
    "ingress.reloadFailing": reload?.evidence ?? [],
  };
  const nodes = [...new Set(pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))].map((name) => ({ kind: "Node", name }));
  // The controller's own Services (its LoadBalancer): a fault there is related to the controller.
  const ownServices = model.resources.services
    .filter((s) => (s.metadata.namespace ?? "default") === group.ref.namespace && Object.keys(s.spec.selector ?? {}).length > 0 && pods.some((p) => matchesServiceSelector(s.spec.selector, p.metadata.labels)))
    .map((s) => ({ kind: "Service", namespace: group.ref.namespace, name: s.metadata.name }));
  return { kind: "Workload", subject: group.ref, values, evidence, scope: [...pods.map(podRef), ...nodes, ...ownServices, ...served] };
}

const RELOAD_FAILED = "Unexpected failure reloading the backend";
const RELOADED = /successfully reloaded/i;

/**
 * The last reload outcome of an ingress-nginx log, when it is a failure: a
 * failure followed by a successful reload (the bad Ingress fixed or removed)
 * is history, not a fault. The reason is the first `[emerg]` line after it.
 */
function lastReloadFailure(logs: readonly { path: string; lines: string[] }[]): { reason: string; evidence: Evidence[] } | undefined {
  for (const log of logs) {
    let failed = -1;
    for (let i = 0; i < log.lines.length; i++) {
      const line = log.lines[i]!;
      if (line.includes(RELOAD_FAILED)) failed = i;
      else if (failed >= 0 && RELOADED.test(line)) failed = -1;
    }
    if (failed < 0) continue;
    const evidence: Evidence[] = [{ file: log.path, line: failed + 1, excerpt: clip(log.lines[failed]!) }];
    const emergAt = log.lines.findIndex((l, i) => i > failed && i <= failed + 12 && l.includes("[emerg]"));
    if (emergAt >= 0) evidence.push({ file: log.path, line: emergAt + 1, excerpt: clip(log.lines[emergAt]!) });
    return { reason: emergAt >= 0 ? log.lines[emergAt]!.trim() : "", evidence };
  }
  return undefined;
}
