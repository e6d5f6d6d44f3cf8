/**
 * Istio traffic routing: VirtualService destinations against DestinationRule
 * subsets and Services, route weights, and DestinationRule sanity.
 *
 * Semantics (istio.io networking reference):
 * - a short host (no dot) is resolved against the namespace of the rule that
 *   names it: `reviews` in a rule of namespace `shop` is
 *   `reviews.shop.svc.cluster.local`; a host with a dot is taken as written,
 *   so `reviews.shop` is NOT expanded (Istio's ResolveShortnameToFQDN), and
 *   `*` stays `*`;
 * - a destination `subset` must be defined by a DestinationRule for that host
 *   (exact host, else the most specific wildcard host such as
 *   `*.shop.svc.cluster.local`); otherwise Envoy has no such cluster and
 *   requests fail with 503 NR/NC;
 * - route weights: one destination takes all traffic whatever its weight;
 *   with several, a destination without weight gets weight 0, and once any
 *   weight is set they must sum to 100 (istiod's validation: "total
 *   destination weight N != 100"; releases that normalise instead still send
 *   a split nobody meant). Omitting every weight is accepted;
 * - a DestinationRule is visible to every namespace unless its `exportTo`
 *   says otherwise (`.` its own namespace, `*` all, or namespace names);
 * - locality failover (`localityLbSetting.failover` or `failoverPriority`)
 *   only happens when `outlierDetection` is configured: without it no host
 *   is ever ejected, so traffic never fails over. Subset and port-level
 *   policies inherit fields they do not set from the top-level policy.
 */
import type { DestinationRule, RouteDestination, TrafficPolicy, VirtualService } from "../../model/crds.js";
import type { Pod, Service } from "../../model/k8s.js";
import { matchesServiceSelector } from "../../model/selectors.js";
import type { ObjectRef } from "../../types/evidence.js";

export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

export function resolveIstioHost(host: string, namespace: string, domain = DEFAULT_CLUSTER_DOMAIN): string {
  if (host === "*" || host.includes(".")) return host.toLowerCase();
  return `${host}.${namespace}.svc.${domain}`.toLowerCase();
}

/** Whether a (possibly wildcard) rule host covers a concrete FQDN. */
export function hostCovers(ruleHost: string, fqdn: string): boolean {
  if (ruleHost === "*") return true;
  if (ruleHost.startsWith("*.")) return fqdn.endsWith(ruleHost.slice(1));
  return ruleHost === fqdn;
}

export interface ServiceIndex {
  /** FQDN → Service, e.g. `reviews.shop.svc.cluster.local`. */
  byFqdn: ReadonlyMap<string, Service>;
  domain: string;
}

export function indexServicesByFqdn(services: readonly Service[], domain = DEFAULT_CLUSTER_DOMAIN): ServiceIndex {
  return { byFqdn: new Map(services.map((s) => [`${s.metadata.name}.${s.metadata.namespace ?? "default"}.svc.${domain}`, s])), domain };
}

function drRef(dr: DestinationRule): ObjectRef {
  return { kind: "DestinationRule", namespace: dr.metadata.namespace ?? "default", name: dr.metadata.name };
}

function drHost(dr: DestinationRule, domain: string): string {
  return resolveIstioHost(dr.spec.host, dr.metadata.namespace ?? "default", domain);
}

/** Whether a DestinationRule's exportTo lets a namespace see it (absent: every namespace). */
export function exportedTo(dr: DestinationRule, namespace: string): boolean {
  const exportTo = (dr.spec as { exportTo?: unknown }).exportTo;
  if (!Array.isArray(exportTo) || exportTo.length === 0) return true;
  const own = dr.metadata.namespace ?? "default";
  return exportTo.some((e) => e === "*" || e === namespace || (e === "." && own === namespace));
}

/**
 * The DestinationRules that apply to a host as seen from a namespace: exact
 * ones, else those of the most specific wildcard, among those exported to it.
 */
export function destinationRulesFor(fqdn: string, rules: readonly DestinationRule[], domain = DEFAULT_CLUSTER_DOMAIN, fromNamespace?: string): DestinationRule[] {
  if (fromNamespace !== undefined) rules = rules.filter((r) => exportedTo(r, fromNamespace));
  const exact = rules.filter((r) => drHost(r, domain) === fqdn);
  if (exact.length > 0) return exact;
  const wild = rules.filter((r) => hostCovers(drHost(r, domain), fqdn));
  const longest = Math.max(...wild.map((r) => drHost(r, domain).length), -1);
  return wild.filter((r) => drHost(r, domain).length === longest);
}

// ------------------------------------------------------------ VirtualService

export interface DestinationCheck {
  /** JSON path of the destination inside the VirtualService. */
  path: string;
  host: string;
  fqdn: string;
  subset?: string;
  result: "ok" | "subset-undefined" | "no-destination-rule" | "service-not-found";
  destinationRules: ObjectRef[];
  /** The subsets those DestinationRules define, for the message. */
  knownSubsets: string[];
}

export interface WeightCheck {
  path: string;
  weights: (number | null)[];
  /** The sum Istio checks: a destination without weight counts 0. */
  sum: number;
  problem?: "sum-not-100";
}

export interface VirtualServiceAnalysis {
  virtualService: ObjectRef;
  destinations: DestinationCheck[];
  weights: WeightCheck[];
}

function routeLists(vs: VirtualService): { path: string; route: RouteDestination[] }[] {
  const out: { path: string; route: RouteDestination[] }[] = [];
  for (const proto of ["http", "tcp", "tls"] as const) {
    (vs.spec[proto] ?? []).forEach((r, i) => out.push({ path: `spec.${proto}[${i}]`, route: r.route ?? [] }));
  }
  return out;
}

function checkDestination(d: RouteDestination, path: string, namespace: string, rules: readonly DestinationRule[], services: ServiceIndex): DestinationCheck {
  const fqdn = resolveIstioHost(d.destination.host, namespace, services.domain);
  const drs = destinationRulesFor(fqdn, rules, services.domain, namespace);
  const knownSubsets = [...new Set(drs.flatMap((r) => (r.spec.subsets ?? []).map((s) => s.name)))];
  const check: DestinationCheck = { path, host: d.destination.host, fqdn, result: "ok", destinationRules: drs.map(drRef), knownSubsets };
  if (d.destination.subset) check.subset = d.destination.subset;
  if (fqdn.endsWith(`.svc.${services.domain}`) && !services.byFqdn.has(fqdn)) return { ...check, result: "service-not-found" };
  if (!d.destination.subset) return check;
  if (drs.length === 0) return { ...check, result: "no-destination-rule" };
  if (!knownSubsets.includes(d.destination.subset)) return { ...check, result: "subset-undefined" };
  return check;
}

function checkWeights(path: string, route: readonly RouteDestination[]): WeightCheck | undefined {
  if (route.length < 2) return undefined;
  const weights = route.map((d) => d.weight ?? null);
  const set = weights.filter((w): w is number => w !== null);
  const sum = set.reduce((a, b) => a + b, 0);
  const check: WeightCheck = { path, weights, sum };
  if (set.length === 0 || sum === 100) return check;
  return { ...check, problem: "sum-not-100" };
}

export function analyzeVirtualService(vs: VirtualService, rules: readonly DestinationRule[], services: ServiceIndex): VirtualServiceAnalysis {
  const namespace = vs.metadata.namespace ?? "default";
  const destinations: DestinationCheck[] = [];
  const weights: WeightCheck[] = [];
  for (const { path, route } of routeLists(vs)) {
    route.forEach((d, j) => destinations.push(checkDestination(d, `${path}.route[${j}].destination`, namespace, rules, services)));
    const w = checkWeights(path, route);
    if (w) weights.push(w);
  }
  return { virtualService: { kind: "VirtualService", namespace, name: vs.metadata.name }, destinations, weights };
}

// ----------------------------------------------------------- DestinationRule

export interface FailoverWithoutOutlier {
  /** JSON path of the traffic policy that configures failover. */
  path: string;
  setting: "failover" | "failoverPriority";
}

export interface DestinationRuleAnalysis {
  destinationRule: ObjectRef;
  host: string;
  fqdn: string;
  /**
   * service: the host is a cluster Service; missing: it is a cluster name
   * (`….svc.<domain>`) but no such Service exists; wildcard: covers some
   * Services; wildcard-matches-nothing: a cluster wildcard covering none;
   * external: not a cluster name (a ServiceEntry host, not checked).
   */
  hostKind: "service" | "missing" | "wildcard" | "wildcard-matches-nothing" | "external";
  /** Subsets whose labels, together with the Service selector, select no running pod (Envoy answers 503 UH). */
  emptySubsets: string[];
  failoverWithoutOutlierDetection: FailoverWithoutOutlier[];
}

type PolicyLevel = Pick<TrafficPolicy, "loadBalancer" | "outlierDetection">;

function failoverSetting(p: PolicyLevel | null | undefined): FailoverWithoutOutlier["setting"] | undefined {
  const l = p?.loadBalancer?.localityLbSetting;
  if (!l || l.enabled === false) return undefined;
  if ((l.failover ?? []).length > 0) return "failover";
  if ((l.failoverPriority ?? []).length > 0) return "failoverPriority";
  return undefined;
}

/** Every traffic policy level with failover and no outlierDetection of its own or inherited. */
function failoverWithoutOutlier(dr: DestinationRule): FailoverWithoutOutlier[] {
  const out: FailoverWithoutOutlier[] = [];
  const visit = (p: TrafficPolicy | null | undefined, path: string, inheritedOutlier: boolean) => {
    if (!p) return;
    const outlier = inheritedOutlier || p.outlierDetection != null;
    const here = failoverSetting(p);
    if (here && !outlier) out.push({ path: `${path}.loadBalancer.localityLbSetting`, setting: here });
    (p.portLevelSettings ?? []).forEach((pl, i) => {
      const setting = failoverSetting(pl);
      if (setting && !(outlier || pl.outlierDetection != null)) out.push({ path: `${path}.portLevelSettings[${i}].loadBalancer.localityLbSetting`, setting });
    });
  };
  const top = dr.spec.trafficPolicy;
  visit(top, "spec.trafficPolicy", false);
  (dr.spec.subsets ?? []).forEach((s, i) => visit(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, top?.outlierDetection != null));
  return out;
}

function emptySubsets(dr: DestinationRule, svc: Service | undefined, pods: readonly Pod[]): string[] {
  const selector = svc?.spec.selector;
  if (!svc || !selector || Object.keys(selector).length === 0) return [];
  const ns = svc.metadata.namespace ?? "default";
  const backing = pods.filter((p) => (p.metadata.namespace ?? "default") === ns && matchesServiceSelector(selector, p.metadata.labels));
  return (dr.spec.subsets ?? [])
    .filter((s) => !backing.some((p) => Object.entries(s.labels ?? {}).every(([k, v]) => p.metadata.labels[k] === v)))
    .map((s) => s.name);
}

export function analyzeDestinationRule(dr: DestinationRule, services: ServiceIndex, pods: readonly Pod[]): DestinationRuleAnalysis {
  const fqdn = drHost(dr, services.domain);
  const svc = services.byFqdn.get(fqdn);
  const clusterName = fqdn.endsWith(`.svc.${services.domain}`);
  let hostKind: DestinationRuleAnalysis["hostKind"];
  if (svc) hostKind = "service";
  else if (fqdn === "*" || fqdn.startsWith("*.")) {
    if ([...services.byFqdn.keys()].some((h) => hostCovers(fqdn, h))) hostKind = "wildcard";
    else hostKind = clusterName ? "wildcard-matches-nothing" : "external";
  } else hostKind = clusterName ? "missing" : "external";
  return {
    destinationRule: drRef(dr),
    host: dr.spec.host,
    fqdn,
    hostKind,
    emptySubsets: emptySubsets(dr, svc, pods),
    failoverWithoutOutlierDetection: failoverWithoutOutlier(dr),
  };
}
