/**
 * Service layer facts: what a Service selects, which endpoints it has and
 * whether its ports lead anywhere. Subject: every Service.
 *
 * Semantics kept from Kubernetes (and where other analyzers raise false alarms):
 * - ExternalName and selector-less Services have no pods by design;
 * - terminal (Succeeded/Failed) pods never back a Service;
 * - containerPort is informational: a numeric targetPort is only checked when
 *   the selected pods declare ports at all, and an undeclared side port beside
 *   declared ones is a partial list; only named targetPorts need declarations;
 * - EndpointSlice `ready` nil means ready; terminating endpoints are not ready;
 *   a Service may have several slices (per address family and per 100 endpoints).
 */
import { z } from "zod";
import { clip, type Evidence, type ObjectRef } from "../types/evidence.js";
import type { ClusterModel } from "../model/model.js";
import type { Pod, Service, ServicePort } from "../model/k8s.js";
import { matchesServiceSelector, nearestByLabels, selectorToString } from "../model/selectors.js";
import { declaredPorts, formatPort, isPodReady, isPodTerminal, podRef } from "../model/pods.js";
import { podIPs } from "../model/build.js";
import { ipInCidr, ipv4TargetsIn, looksLikeIPv4Target } from "../model/cidr.js";
import { declareFacts } from "./define.js";
import { ObjectRefList, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";

const SVC = ["resources/services.json"];
const SVC_PODS = ["resources/services.json", "resources/pods.json"];
const SVC_ENDPOINTS = ["resources/services.json", "resources/endpointslices.json|resources/endpoints.json"];

const PortProblem = z.object({
  servicePort: z.string(),
  targetPort: z.union([z.string(), z.number()]),
  declared: StringList,
  podsLacking: z.number(),
});

const facts = declareFacts("service", "Service", SVC_PODS, {
  namespace: { description: "The Service's namespace (for rules about one team's namespace).", shape: z.string(), example: "payments", requires: SVC },
  name: { description: "The Service's name.", shape: z.string(), example: "payments", requires: SVC },
  labels: { description: "The Service's own labels.", shape: z.record(z.string(), z.string()), example: { "app.kubernetes.io/part-of": "payments" }, requires: SVC },
  type: { description: "spec.type (ClusterIP when unset).", shape: z.string(), example: "ClusterIP", requires: SVC },
  hasSelector: { description: "The Service has a non-empty selector (selector-less Services have hand-managed Endpoints).", shape: z.boolean(), example: true, requires: SVC },
  isHeadless: { description: "clusterIP is None.", shape: z.boolean(), example: false, requires: SVC },
  selector: { description: "The selector in kubectl -l form.", shape: z.string(), example: "app=web", requires: SVC },
  matchingPodCount: { description: "Non-terminal pods in the Service's namespace that its selector matches.", shape: z.number(), example: 3 },
  readyPodCount: { description: "Matching pods that are Ready (or all matching pods with publishNotReadyAddresses).", shape: z.number(), example: 3 },
  nearestPods: { description: "When nothing matches: the pods of the namespace that match most selector labels.", shape: ObjectRefList, example: [{ kind: "Pod", namespace: "shop", name: "web-7d4b9c-x2k4q" }] },
  selectorMismatch: {
    description: "When nothing matches: the first selector label the nearest pods lack, and the value they carry instead (null when absent).",
    shape: z.object({ label: z.string(), expected: z.string(), actual: z.string().nullable() }).nullable(),
    example: { label: "app", expected: "web-frontend", actual: "web" },
  },
  matchingPodsElsewhere: { description: "Pods in other namespaces that the selector would match (the Service is probably in the wrong namespace).", shape: StringList, example: ["shop-staging/web-7d4b9c-x2k4q"] },
  readyEndpointCount: { description: "Distinct ready endpoint addresses (EndpointSlices when collected, else Endpoints).", shape: z.number(), example: 2, requires: SVC_ENDPOINTS },
  notReadyEndpointCount: { description: "Endpoint addresses that are not ready (including terminating ones).", shape: z.number(), example: 1, requires: SVC_ENDPOINTS },
  targetPortMismatches: {
    description:
      "Service ports whose numeric targetPort none of the selected pods declares, while they declare other ports, and where that contradicts the Service: no port of the Service reaches a declared port, a declared port has the Service port's name at another number, or clients log `connection refused` towards that target. An undeclared side port (metrics, debug) beside ports that match is a partial list, not a mismatch.",
    shape: z.array(PortProblem),
    example: [{ servicePort: "http:80/TCP", targetPort: 8080, declared: ["http:3000/TCP"], podsLacking: 2 }],
  },
  namedPortMissing: { description: "Service ports whose named targetPort is missing from some selected pods (those pods get no endpoint).", shape: z.array(PortProblem), example: [{ servicePort: "http:80/TCP", targetPort: "web", declared: ["http:8080/TCP"], podsLacking: 2 }] },
  refusedConnectionLogLines: { description: "Log lines (any component) reporting `connection refused` towards this Service's backends or ClusterIP.", shape: z.number(), example: 4, requires: SVC },
  selectedWorkloads: { description: "The workloads owning the selected pods.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "web" }] },
  selectsUnrelatedWorkloads: { description: "The selected pods belong to several workloads with different app labels and different images.", shape: z.boolean(), example: false },
  staleManualEndpoints: { description: "For selector-less Services: endpoint IPs inside the cluster's pod CIDRs that no pod has.", shape: StringList, example: ["10.244.1.17"], requires: ["resources/services.json", "resources/endpoints.json", "resources/pods.json", "resources/nodes.json"] },
  externalTrafficPolicyLocal: { description: "externalTrafficPolicy is Local.", shape: z.boolean(), example: false, requires: SVC },
  nodesWithoutLocalEndpoint: { description: "Ready, schedulable nodes that host no ready endpoint of the Service.", shape: StringList, example: ["node-2"], requires: ["resources/services.json", "resources/pods.json", "resources/nodes.json"] },
  loadBalancerPending: { description: "A LoadBalancer Service without any status.loadBalancer.ingress address.", shape: z.boolean(), example: false, requires: SVC },
  ageSeconds: { description: "Seconds between creation and the snapshot's collection time (-1 when unknown).", shape: z.number(), example: 86400, requires: SVC },
  warningEvents: { description: "Warning event reasons recorded for the Service (e.g. SyncLoadBalancerFailed).", shape: StringList, example: ["SyncLoadBalancerFailed"], requires: ["resources/services.json", "resources/events.json"] },
  endpointSliceDisagreement: {
    description: "Ready addresses present in Endpoints but not in EndpointSlices, or the reverse (both must be collected).",
    shape: z.object({ onlyInEndpoints: StringList, onlyInSlices: StringList }).nullable(),
    example: { onlyInEndpoints: ["10.244.2.9"], onlyInSlices: [] },
    requires: ["resources/services.json", "resources/endpoints.json", "resources/endpointslices.json"],
  },
  sessionAffinityClientIP: { description: "sessionAffinity is ClientIP.", shape: z.boolean(), example: false, requires: SVC },
});

export const serviceFacts: FactBuilder = {
  layer: "service",
  facts,
  *build(model) {
    const podCidrs = model.resources.nodes.flatMap((n) => n.spec.podCIDRs ?? (n.spec.podCIDR ? [n.spec.podCIDR] : []));
    const collectedAt = Date.parse(model.manifest?.collectedAt ?? "");
    for (const svc of model.resources.services) yield serviceSubject(model, svc, podCidrs, collectedAt);
  },
};

function serviceSubject(model: ClusterModel, svc: Service, podCidrs: string[], collectedAt: number): SubjectFacts {
  const ns = svc.metadata.namespace ?? "default";
  const name = svc.metadata.name;
  const selector = svc.spec.selector ?? {};
  const hasSelector = Object.keys(selector).length > 0 && svc.spec.type !== "ExternalName";
  const candidates = model.podsInNamespace(ns).filter((p) => !isPodTerminal(p));
  const matching = hasSelector ? candidates.filter((p) => matchesServiceSelector(selector, p.metadata.labels)) : [];
  const ready = svc.spec.publishNotReadyAddresses ? matching : matching.filter(isPodReady);
  const evidence: Record<string, Evidence[]> = {};
  const selectorEvidence = model.evidence(svc, "spec.selector", `selector: ${selectorToString(selector) || "(none)"}`);

  const values: Record<string, unknown> = {
    "service.namespace": ns,
    "service.name": name,
    "service.labels": svc.metadata.labels,
    "service.type": svc.spec.type ?? "ClusterIP",
    "service.hasSelector": hasSelector,
    "service.isHeadless": svc.spec.clusterIP === "None",
    "service.selector": selectorToString(selector),
    "service.matchingPodCount": matching.length,
    "service.readyPodCount": ready.length,
    "service.externalTrafficPolicyLocal": svc.spec.externalTrafficPolicy === "Local",
    "service.sessionAffinityClientIP": svc.spec.sessionAffinity === "ClientIP",
    "service.ageSeconds": ageSeconds(svc.metadata.creationTimestamp, collectedAt),
  };
  evidence["service.matchingPodCount"] = [selectorEvidence];
  evidence["service.hasSelector"] = [selectorEvidence];

  const nearest = hasSelector && matching.length === 0 ? nearestByLabels(candidates, selector) : { items: [], mismatch: null };
  values["service.nearestPods"] = nearest.items.slice(0, 5).map(podRef);
  values["service.selectorMismatch"] = nearest.mismatch;
  evidence["service.selectorMismatch"] = [selectorEvidence, ...nearest.items.slice(0, 3).map((p) => model.evidence(p, "metadata.labels", `${p.metadata.name} labels: ${selectorToString(p.metadata.labels)}`))];
  const elsewhere = hasSelector && matching.length === 0
    ? model.resources.pods.filter((p) => (p.metadata.namespace ?? "default") !== ns && !isPodTerminal(p) && matchesServiceSelector(selector, p.metadata.labels))
    : [];
  values["service.matchingPodsElsewhere"] = elsewhere.slice(0, 10).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

  const eps = endpointAddresses(model, svc);
  values["service.readyEndpointCount"] = eps.ready.size;
  values["service.notReadyEndpointCount"] = eps.notReady.size;
  evidence["service.readyEndpointCount"] = eps.evidence;
  evidence["service.readyPodCount"] = matching.slice(0, 3).map((p) => model.evidence(p, "status.conditions", `${p.metadata.name}: ${podStatusLine(p)}`));

  const ports = portProblems(model, svc, matching);
  values["service.targetPortMismatches"] = ports.numeric;
  values["service.namedPortMissing"] = ports.named;
  const portsEvidence = [model.evidence(svc, "spec.ports", `ports: ${(svc.spec.ports ?? []).map(formatServicePort).join(", ")}`), ...matching.slice(0, 2).map((p) => model.evidence(p, "spec.containers", `${p.metadata.name} declares ${declaredPorts(p).map(formatPort).join(", ") || "no ports"}`))];
  evidence["service.targetPortMismatches"] = portsEvidence;
  evidence["service.namedPortMissing"] = portsEvidence;

  const refused = refusedConnectionLines(model, svc, matching);
  values["service.refusedConnectionLogLines"] = refused.count;
  evidence["service.refusedConnectionLogLines"] = refused.samples;

  const workloads = uniqueRefs(matching.map((p) => model.workloadOf(p).ref));
  values["service.selectedWorkloads"] = workloads;
  values["service.selectsUnrelatedWorkloads"] = selectsUnrelatedWorkloads(model, matching);
  evidence["service.selectsUnrelatedWorkloads"] = [selectorEvidence, ...firstPodPerWorkload(model, matching).map((p) => model.evidence(p, "metadata.labels", `${p.metadata.name} (${model.workloadOf(p).ref.kind} ${model.workloadOf(p).ref.name}) labels: ${selectorToString(p.metadata.labels)}`))];

  const stale = hasSelector || svc.spec.type === "ExternalName" ? [] : staleManualEndpoints(model, svc, podCidrs);
  values["service.staleManualEndpoints"] = stale;
  const manual = model.endpointsFor(ns, name);
  if (manual) evidence["service.staleManualEndpoints"] = [model.evidence(manual, "subsets", `endpoints: ${[...eps.ready].join(", ")}`)];

  values["service.nodesWithoutLocalEndpoint"] = nodesWithoutLocalEndpoint(model, ready);
  evidence["service.externalTrafficPolicyLocal"] = [model.evidence(svc, "spec.externalTrafficPolicy", `externalTrafficPolicy: ${svc.spec.externalTrafficPolicy ?? "Cluster"}`)];

  values["service.loadBalancerPending"] = svc.spec.type === "LoadBalancer" && (svc.status.loadBalancer?.ingress ?? []).length === 0;
  evidence["service.loadBalancerPending"] = [model.evidence(svc, "status.loadBalancer", "status.loadBalancer: {} (no ingress address)")];
  const warnings = model.eventsFor("Service", ns, name).filter((e) => e.type === "Warning");
  values["service.warningEvents"] = [...new Set(warnings.map((e) => e.reason ?? "Unknown"))];
  evidence["service.warningEvents"] = warnings.slice(0, 3).map((e) => model.evidence(e, undefined, `${e.reason}: ${e.message ?? ""}`));

  values["service.endpointSliceDisagreement"] = sliceDisagreement(model, svc);
  evidence["service.endpointSliceDisagreement"] = eps.evidence;

  const scope: ObjectRef[] = [...workloads, ...matching.map(podRef), ...uniqueNodes(matching)];
  return { kind: "Service", subject: { kind: "Service", namespace: ns, name }, values, evidence, scope };
}

function ageSeconds(created: string | null | undefined, collectedAt: number): number {
  const t = Date.parse(created ?? "");
  return Number.isFinite(t) && Number.isFinite(collectedAt) ? Math.max(0, Math.round((collectedAt - t) / 1000)) : -1;
}

function podStatusLine(p: Pod): string {
  const ready = (p.status.conditions ?? []).find((c) => c.type === "Ready");
  return `phase ${p.status.phase ?? "?"}, Ready=${ready?.status ?? "?"}${ready?.reason ? ` (${ready.reason})` : ""}`;
}

function formatServicePort(p: ServicePort): string {
  return `${p.name ? `${p.name}:` : ""}${p.port}→${p.targetPort ?? p.port}/${p.protocol ?? "TCP"}`;
}

export interface EndpointView {
  ready: Set<string>;
  notReady: Set<string>;
  evidence: Evidence[];
}

export function endpointAddresses(model: ClusterModel, svc: Service): EndpointView {
  const ns = svc.metadata.namespace ?? "default";
  const view: EndpointView = { ready: new Set(), notReady: new Set(), evidence: [] };
  const slices = model.slicesFor(ns, svc.metadata.name);
  if (slices.length > 0 || model.has("resources/endpointslices.json")) {
    for (const slice of slices) {
      for (const ep of slice.endpoints ?? []) {
        // The API defines a nil `ready` as ready; terminating endpoints report ready=false.
        const isReady = ep.conditions?.ready !== false && ep.conditions?.terminating !== true;
        for (const a of ep.addresses) (isReady ? view.ready : view.notReady).add(a);
      }
      view.evidence.push(model.evidence(slice, "endpoints", `EndpointSlice ${slice.metadata.name}: ${(slice.endpoints ?? []).length} endpoints`));
    }
    for (const a of view.ready) view.notReady.delete(a);
    if (slices.length === 0) view.evidence.push({ file: "resources/endpointslices.json", excerpt: `no EndpointSlice labelled kubernetes.io/service-name=${svc.metadata.name} in ${ns}` });
    return view;
  }
  const eps = model.endpointsFor(ns, svc.metadata.name);
  for (const s of eps?.subsets ?? []) {
    for (const a of s.addresses ?? []) view.ready.add(a.ip);
    for (const a of s.notReadyAddresses ?? []) view.notReady.add(a.ip);
  }
  view.evidence.push(eps ? model.evidence(eps, "subsets", `Endpoints ${svc.metadata.name}: ${view.ready.size} ready, ${view.notReady.size} not ready`) : { file: "resources/endpoints.json", excerpt: `no Endpoints object ${ns}/${svc.metadata.name}` });
  return view;
}

type PortProblemValue = z.infer<typeof PortProblem>;

/**
 * Service ports whose target the selected pods do not declare.
 *
 * Named targetPorts need a declaration: without one the pod gets no endpoint.
 * A numeric targetPort does not: Kubernetes forwards to that number whatever
 * the containers list, and containerPort is informational. So an undeclared
 * number is only a finding when the declarations contradict the Service:
 * - no port of the Service reaches a declared port (the single-port typo,
 *   80→8080 while the container declares 80), or
 * - a declared port carries this Service port's name at another number, or
 * - clients log `connection refused` towards this very target.
 * A side port (metrics, debug, DNS) next to ports that do match declarations
 * means the container lists only some of its ports, as istiod does.
 */
function portProblems(model: ClusterModel, svc: Service, pods: readonly Pod[]): { numeric: PortProblemValue[]; named: PortProblemValue[] } {
  const numeric: PortProblemValue[] = [];
  const named: PortProblemValue[] = [];
  if (pods.length === 0) return { numeric, named };
  const perPod = pods.map(declaredPorts);
  const declared = [...new Set(perPod.flat().map(formatPort))];
  // Only pods that declare ports say anything: containerPort is optional documentation.
  const declaring = perPod.filter((ports) => ports.length > 0);
  let reachesDeclaredPort = false;
  const undeclared: { sp: ServicePort; port: number; problem: PortProblemValue }[] = [];
  for (const sp of svc.spec.ports ?? []) {
    const target = sp.targetPort ?? sp.port;
    const protocol = sp.protocol ?? "TCP";
    const servicePort = `${sp.name ? `${sp.name}:` : ""}${sp.port}/${protocol}`;
    if (typeof target === "string" && !/^\d+$/.test(target)) {
      const lacking = perPod.filter((ports) => !ports.some((p) => p.name === target && p.protocol === protocol)).length;
      if (lacking > 0) named.push({ servicePort, targetPort: target, declared, podsLacking: lacking });
      if (lacking < perPod.length) reachesDeclaredPort = true;
      continue;
    }
    if (declaring.length === 0) continue;
    const num = Number(target);
    const lacking = declaring.filter((ports) => !ports.some((p) => p.port === num && p.protocol === protocol)).length;
    if (lacking < declaring.length) reachesDeclaredPort = true;
    else undeclared.push({ sp, port: num, problem: { servicePort, targetPort: num, declared, podsLacking: lacking } });
  }
  for (const u of undeclared) {
    const protocol = u.sp.protocol ?? "TCP";
    const renamed = u.sp.name !== undefined && declaring.some((ports) => ports.some((p) => p.name === u.sp.name && p.protocol === protocol && p.port !== u.port));
    if (!reachesDeclaredPort || renamed || refusedLines(model, dialTargets(svc, [u.sp], pods)).length > 0) numeric.push(u.problem);
  }
  return { numeric, named };
}

/** host:port as Go's net.JoinHostPort writes it (and so every Go client's "dial tcp …" error): IPv6 in brackets. */
function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** ip:port strings a client would log when it dials these ports of the Service or its backends. */
function dialTargets(svc: Service, ports: readonly ServicePort[], pods: readonly Pod[]): Set<string> {
  const targets = new Set<string>();
  const clusterIP = svc.spec.clusterIP && svc.spec.clusterIP !== "None" ? svc.spec.clusterIP : undefined;
  for (const sp of ports) {
    if (clusterIP) targets.add(hostPort(clusterIP, sp.port));
    const target = sp.targetPort ?? sp.port;
    for (const p of pods) {
      const port = typeof target === "number" || /^\d+$/.test(target) ? Number(target) : declaredPorts(p).find((d) => d.name === target)?.port;
      if (port !== undefined) for (const ip of podIPs(p)) targets.add(hostPort(ip, port));
    }
  }
  return targets;
}

function mentionsTarget(line: string, target: string): boolean {
  let at = line.indexOf(target);
  while (at >= 0) {
    const before = at === 0 ? "" : line[at - 1]!;
    const after = line[at + target.length] ?? "";
    if (!/[\d.]/.test(before) && !/\d/.test(after)) return true;
    at = line.indexOf(target, at + 1);
  }
  return false;
}

interface RefusedLine {
  file: string;
  line: number;
  text: string;
}

/** Log lines reporting `connection refused`, in log order, and the IPv4 ip:port targets each mentions. */
interface RefusedIndex {
  lines: RefusedLine[];
  /** "10.244.1.5:8080" → indexes into `lines` (ascending). */
  byTarget: Map<string, number[]>;
}

const REFUSED = /connection refused/i;

/** One pass over every log line for the whole diagnosis, instead of one per Service. */
function refusedIndex(model: ClusterModel): RefusedIndex {
  return model.memo("service.refusedConnectionIndex", () => {
    const index: RefusedIndex = { lines: [], byTarget: new Map() };
    for (const log of model.logs) {
      log.lines.forEach((text, i) => {
        if (!REFUSED.test(text)) return;
        const id = index.lines.push({ file: log.path, line: i + 1, text }) - 1;
        for (const target of ipv4TargetsIn(text)) {
          const ids = index.byTarget.get(target);
          if (!ids) index.byTarget.set(target, [id]);
          else if (ids[ids.length - 1] !== id) ids.push(id);
        }
      });
    }
    return index;
  });
}

/** Indexes (into refusedIndex's lines, ascending) of the lines refusing a connection to one of the targets. */
function refusedLines(model: ClusterModel, targets: Set<string>): number[] {
  const index = refusedIndex(model);
  const hits = new Set<number>();
  for (const t of targets) {
    if (looksLikeIPv4Target(t)) {
      for (const id of index.byTarget.get(t) ?? []) hits.add(id);
    } else {
      // IPv6 targets are rare (dual-stack pods): checked line by line.
      index.lines.forEach((l, id) => mentionsTarget(l.text, t) && hits.add(id));
    }
  }
  return [...hits].sort((a, b) => a - b);
}

function refusedConnectionLines(model: ClusterModel, svc: Service, pods: readonly Pod[]): { count: number; samples: Evidence[] } {
  const ids = refusedLines(model, dialTargets(svc, svc.spec.ports ?? [], pods));
  const lines = refusedIndex(model).lines;
  const samples = ids.slice(0, 3).map((id) => {
    const l = lines[id]!;
    return { file: l.file, line: l.line, excerpt: clip(l.text) };
  });
  return { count: ids.length, samples };
}

function uniqueRefs(refs: ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace}/${r.name}`, r);
  return [...seen.values()];
}

function uniqueNodes(pods: readonly Pod[]): ObjectRef[] {
  return [...new Set(pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))].map((name) => ({ kind: "Node", name }));
}

function firstPodPerWorkload(model: ClusterModel, pods: readonly Pod[]): Pod[] {
  const seen = new Map<string, Pod>();
  for (const p of pods) {
    const r = model.workloadOf(p).ref;
    const key = `${r.kind}/${r.name}`;
    if (!seen.has(key)) seen.set(key, p);
  }
  return [...seen.values()];
}

const APP_LABELS = ["app.kubernetes.io/name", "app", "k8s-app", "name"];

/** Canary and blue/green Deployments share an app label or an image: only unrelated apps count. */
function selectsUnrelatedWorkloads(model: ClusterModel, pods: readonly Pod[]): boolean {
  const groups = firstPodPerWorkload(model, pods);
  if (groups.length < 2) return false;
  const apps = new Set(groups.map((p) => APP_LABELS.map((l) => p.metadata.labels[l]).find((v) => v !== undefined) ?? model.workloadOf(p).ref.name));
  if (apps.size < 2) return false;
  const imageSets = groups.map((p) => new Set(p.spec.containers.map((c) => (c.image ?? "").replace(/[:@].*$/, ""))));
  return imageSets.every((set, i) => imageSets.every((other, j) => i === j || ![...set].some((img) => other.has(img))));
}

function staleManualEndpoints(model: ClusterModel, svc: Service, podCidrs: string[]): string[] {
  const eps = model.endpointsFor(svc.metadata.namespace ?? "default", svc.metadata.name);
  if (!eps || podCidrs.length === 0) return [];
  const nodeIPs = new Set(model.resources.nodes.flatMap((n) => (n.status.addresses ?? []).map((a) => a.address)));
  const ips = (eps.subsets ?? []).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].map((a) => a.ip));
  // An address outside the pod CIDRs is an external backend (a database VM, a cloud API): legitimate.
  return [...new Set(ips)].filter((ip) => podCidrs.some((c) => ipInCidr(ip, c)) && !model.podByIP(ip) && !nodeIPs.has(ip));
}

function nodesWithoutLocalEndpoint(model: ClusterModel, readyPods: readonly Pod[]): string[] {
  const withEndpoint = new Set(readyPods.map((p) => p.spec.nodeName));
  return model.resources.nodes
    .filter((n) => !n.spec.unschedulable && (n.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"))
    .map((n) => n.metadata.name)
    .filter((n) => !withEndpoint.has(n));
}

function sliceDisagreement(model: ClusterModel, svc: Service): { onlyInEndpoints: string[]; onlyInSlices: string[] } | null {
  const ns = svc.metadata.namespace ?? "default";
  const eps = model.endpointsFor(ns, svc.metadata.name);
  const slices = model.slicesFor(ns, svc.metadata.name);
  // Endpoints stop at 1000 addresses (annotated over-capacity); slices carry the rest.
  if (!eps || slices.length === 0 || eps.metadata.annotations["endpoints.kubernetes.io/over-capacity"]) return null;
  const fromEndpoints = new Set((eps.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)));
  // Endpoints carry only the Service's primary IP family; dual-stack slices carry both.
  const primary = svc.spec.ipFamilies?.[0] ?? (svc.spec.clusterIP?.includes(":") ? "IPv6" : "IPv4");
  const fromSlices = new Set(
    slices
      .filter((s) => (s.addressType ?? "IPv4") === primary)
      .flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false && e.conditions?.terminating !== true).flatMap((e) => e.addresses)),
  );
  const onlyInEndpoints = [...fromEndpoints].filter((ip) => !fromSlices.has(ip));
  const onlyInSlices = [...fromSlices].filter((ip) => !fromEndpoints.has(ip));
  return onlyInEndpoints.length + onlyInSlices.length > 0 ? { onlyInEndpoints, onlyInSlices } : null;
}
