/**
 * NetworkPolicy layer facts (the `policy.*` causes), computed with the
 * NetworkPolicy evaluator of src/facts/netpol over the snapshot's pods,
 * namespaces, policies, Services and Ingresses.
 *
 * Subjects:
 *  - NetworkPolicy: what is wrong with the policy itself — a podSelector that
 *    selects nothing, namespaceSelectors matching no namespace, AND/OR peer
 *    confusion, ports the destination pods do not serve;
 *  - Service: ports whose backends no client may reach, and Ingress backends
 *    the ingress controller pods may not reach;
 *  - Namespace: external endpoints egress-isolated pods call without an
 *    admitting rule;
 *  - Cluster: whether the CNI enforces NetworkPolicy at all.
 * Every subject also says whether policies are enforced and which CNI policy
 * objects (CiliumNetworkPolicy, Calico GlobalNetworkPolicy) also filter
 * traffic without being evaluated, so rules can lower their confidence.
 */
import { z } from "zod";
import type { Evidence, ObjectRef } from "../types/evidence.js";
import type { ClusterModel } from "../model/model.js";
import type { NetworkPolicy, Service } from "../model/k8s.js";
import { isEmptyLabelSelector, selectorToString } from "../model/selectors.js";
import { podIPs } from "../model/build.js";
import { declareFacts } from "./define.js";
import { ObjectRefList, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";
import { describePorts, describePeer, explainVerdict, formatPolicy, type CompiledPolicy, type PolicyRef } from "./netpol/index.js";
import { policyEnforcement, policyIndex, presentPolicyKinds, uncollectedPolicies, unevaluatedPolicyKinds } from "./policy/context.js";
import { peerConfusions, portMismatches, selectorMatchesNothing, unmatchedNamespaceSelectors } from "./policy/lint.js";
import { controllerGaps, describeCall, externalEgressGaps, serviceBackendPodsOf, serviceGaps } from "./policy/reachability.js";
import { timeoutIndex, timeoutLines } from "./policy/timeouts.js";

const POLICIES = ["resources/networkpolicies.json", "resources/pods.json"];
const WITH_NAMESPACES = [...POLICIES, "resources/namespaces.json"];
const SERVICES = [...POLICIES, "resources/services.json"];
const INGRESSES = [...SERVICES, "resources/ingresses.json"];
const CNI = ["resources/networkpolicies.json", "resources/pods.json|resources/daemonsets.json"];

/** Per subject kind (fact names are global): is policy enforced, and which CNI policy objects are not evaluated. */
const ENFORCEMENT_NAMES = {
  Cluster: { enforced: "enforced", kinds: "unevaluatedPolicyKinds" },
  NetworkPolicy: { enforced: "policyEnforced", kinds: "policyUnevaluatedKinds" },
  Service: { enforced: "serviceEnforced", kinds: "serviceUnevaluatedKinds" },
  Namespace: { enforced: "namespaceEnforced", kinds: "namespaceUnevaluatedKinds" },
} as const;
type Kind = keyof typeof ENFORCEMENT_NAMES;

const common = (subject: Kind) =>
  declareFacts("policy", subject, POLICIES, {
    [ENFORCEMENT_NAMES[subject].enforced]: { description: "NetworkPolicy is enforced, as far as the snapshot tells: false only when the CNI is known not to enforce it (Flannel alone, no policy agent).", shape: z.boolean(), example: true, requires: CNI },
    [ENFORCEMENT_NAMES[subject].kinds]: { description: "CNI policy kinds (CiliumNetworkPolicy, Calico GlobalNetworkPolicy) that may filter traffic too and are not evaluated: objects present in the snapshot, or a file not collected while that CNI runs (and not known to be unserved).", shape: StringList, example: ["CiliumNetworkPolicy"], requires: ["resources/networkpolicies.json"] },
  });

const clusterFacts = declareFacts("policy", "Cluster", CNI, {
  policyCount: { description: "NetworkPolicies in the snapshot.", shape: z.number(), example: 4, requires: ["resources/networkpolicies.json"] },
  enforcement: { description: "`enforced` (a policy-capable CNI or agent runs), `not-enforced` (Flannel alone) or `unknown` (no CNI recognised).", shape: z.enum(["enforced", "not-enforced", "unknown"]), example: "enforced" },
  cniPlugins: { description: "CNI plugins whose agents were found.", shape: StringList, example: ["flannel"] },
  isolatedPods: { description: "Pods on the pod network that some policy selects (what the policies are meant to protect).", shape: z.number(), example: 12, requires: POLICIES },
});

const networkPolicyFacts = declareFacts("policy", "NetworkPolicy", POLICIES, {
  namespace: { description: "The policy's namespace.", shape: z.string(), example: "shop", requires: ["resources/networkpolicies.json"] },
  name: { description: "The policy's name.", shape: z.string(), example: "allow-web", requires: ["resources/networkpolicies.json"] },
  podSelector: { description: "spec.podSelector in kubectl -l form (\"\" selects every pod of the namespace).", shape: z.string(), example: "app=web", requires: ["resources/networkpolicies.json"] },
  policyTypes: { description: "Effective policyTypes (as written, or defaulted).", shape: StringList, example: ["Ingress"], requires: ["resources/networkpolicies.json"] },
  selectedPodCount: { description: "Pods on the pod network the policy selects.", shape: z.number(), example: 2 },
  selectsNothing: { description: "A non-empty podSelector selects no pod of a namespace that has pods, and no workload template (Deployment, StatefulSet, DaemonSet) either.", shape: z.boolean(), example: false },
  selectorMismatch: { description: "When it selects nothing: the first selector label the nearest pods lack, and the value they carry (null: absent).", shape: z.object({ label: z.string(), expected: z.string(), actual: z.string().nullable() }).nullable(), example: { label: "app", expected: "web-frontend", actual: "web" } },
  nearestPods: { description: "When it selects nothing: the pods of the namespace closest to the selector.", shape: ObjectRefList, example: [{ kind: "Pod", namespace: "shop", name: "web-7d4b9c-x2k4q" }] },
  nearestLabels: { description: "Those pods' labels for the selector's keys.", shape: StringList, example: ["app=web"] },
  unmatchedNamespaceSelectors: { description: "Peers whose namespaceSelector matches no namespace, with the likely fix (e.g. `name: x` where only `kubernetes.io/metadata.name: x` exists).", shape: StringList, example: ["spec.ingress[0].from[0]: namespaceSelector {name=monitoring} matches no namespace (namespace monitoring exists but has no label name=monitoring: …)"], requires: WITH_NAMESPACES },
  namespaceFixKnown: { description: "A fix was found for at least one of those selectors (a namespace with that name, or a near label value).", shape: z.boolean(), example: true, requires: WITH_NAMESPACES },
  peerConfusions: { description: "Peers whose AND/OR reading the pods contradict: a bare namespaceSelector OR a bare podSelector where one peer (AND) was meant, or the reverse.", shape: StringList, example: ["spec.ingress[0]: podSelector {app=prometheus} matches no pod in shop but matches pods in monitoring; as two peers (OR) the rule admits every pod of monitoring…"], requires: WITH_NAMESPACES },
  peerConfusionKinds: { description: "`or-meant-and` (opens more than meant) and/or `and-meant-or` (closes more than meant).", shape: StringList, example: ["or-meant-and"], requires: WITH_NAMESPACES },
  portMismatches: { description: "Rule ports the destination pods do not serve: named ports that resolve on none of them, numbers none of the pods that declare ports declares.", shape: StringList, example: ["spec.ingress[0].ports[0]: 80/TCP is not served by the pods it selects (2 pods declare http:8080/TCP); 80 is the port of Service shop/web…"] },
  namedPortMismatch: { description: "One of those mismatches is a named port (which can never match).", shape: z.boolean(), example: false },
});

const serviceFacts = declareFacts("policy", "Service", SERVICES, {
  unreachablePorts: { description: "Service ports (`name:port/proto → targetPort`) whose backends no pod and no external client may reach under the NetworkPolicies (a deny-all without an allow for that port, or only clients whose own egress is blocked).", shape: StringList, example: ["postgres:5432/TCP → 5432"] },
  unreachableBackends: { description: "The backend pods behind those ports.", shape: ObjectRefList, example: [{ kind: "Pod", namespace: "shop", name: "postgres-0" }] },
  unreachableBackendCount: { description: "How many.", shape: z.number(), example: 1 },
  blockedBy: { description: "`ingress` (no rule admits anyone on the port), `egress` (ingress admits some pods but their own egress policies block them), or \"\".", shape: z.string(), example: "ingress" },
  blockingPolicies: { description: "The policies isolating the unreachable backends.", shape: StringList, example: ["shop/default-deny-ingress"] },
  blockingPolicyRefs: { description: "The same, as objects.", shape: ObjectRefList, example: [{ kind: "NetworkPolicy", namespace: "shop", name: "default-deny-ingress" }] },
  clientEgressPolicies: { description: "When blocked by egress: the egress policies of the clients the backends' policies admit.", shape: StringList, example: ["shop/default-deny-egress"] },
  ingresses: { description: "Ingresses routing to this Service whose controller pods may not reach its backends.", shape: ObjectRefList, example: [{ kind: "Ingress", namespace: "shop", name: "shop" }], requires: INGRESSES },
  ingressControllerPods: { description: "The ingress controller pods serving those Ingresses.", shape: ObjectRefList, example: [{ kind: "Pod", namespace: "ingress-nginx", name: "ingress-nginx-controller-5d8f-abcde" }], requires: INGRESSES },
  ingressControllerBlockedPorts: { description: "Service ports the Ingresses use on which no controller pod may reach any backend.", shape: StringList, example: ["http:80/TCP → http"], requires: INGRESSES },
  ingressControllerHostNetwork: { description: "The controller pods use the host network: policies see them as their nodes' IPs (ipBlock), never through selectors, and CNIs differ.", shape: z.boolean(), example: false, requires: INGRESSES },
  ingressControllerBlockedBy: { description: "`ingress` (the backends' policies do not admit the controller) or `egress` (the controller's own egress policies), or \"\".", shape: z.string(), example: "ingress", requires: INGRESSES },
  ingressControllerPolicies: { description: "The policies on the blocking side.", shape: StringList, example: ["shop/default-deny-ingress", "shop/allow-web-from-api"], requires: INGRESSES },
  ingressControllerVerdict: { description: "The evaluator's verdict for one controller pod and one backend, as a chain of reasons.", shape: StringList, example: ["DENIED: ingress-nginx/ingress-nginx-controller-… -> shop/web-… on 8080/TCP"], requires: INGRESSES },
  timeoutLogLines: { description: "Log lines (any component) reporting a connection timeout (`i/o timeout`, `connection timed out`, nginx `upstream timed out`) towards this Service's ClusterIP, backends or `<name>.<namespace>.svc` name: what dropped packets look like to a client.", shape: z.number(), example: 3, requires: ["resources/services.json"] },
});

const namespaceFacts = declareFacts("policy", "Namespace", POLICIES, {
  externalCallsBlocked: { description: "External endpoints (from env such as proxy variables, ExternalName Services, or timeouts in the pods' logs) that egress-isolated pods of the namespace call and no egress rule admits.", shape: StringList, example: ["Deployment shop/api → api.stripe.com:443 (log; egress isolated by shop/default-deny-egress)"] },
  externalCallWorkloads: { description: "The workloads making those calls.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "api" }] },
  externalCallPolicies: { description: "The policies isolating their egress.", shape: StringList, example: ["shop/default-deny-egress"] },
  externalCallTimeouts: { description: "How many of those calls were seen timing out in the pods' logs.", shape: z.number(), example: 1 },
});


export const policyFacts: FactBuilder = {
  layer: "policy",
  facts: [...common("Cluster"), ...clusterFacts, ...common("NetworkPolicy"), ...networkPolicyFacts, ...common("Service"), ...serviceFacts, ...common("Namespace"), ...namespaceFacts],
  *build(model) {
    const shared = sharedValues(model);
    yield clusterSubject(model, shared("Cluster"));
    const index = policyIndex(model);
    for (const policy of index.policies) yield policySubject(model, policy, shared("NetworkPolicy"));
    for (const svc of model.resources.services) yield serviceSubject(model, svc, shared("Service"));
    const namespaces = new Set([...model.resources.namespaces.map((n) => n.metadata.name), ...index.pods.map((p) => p.namespace)]);
    for (const ns of namespaces) yield namespaceSubject(model, ns, shared("Namespace"));
  },
  notes(model) {
    const kinds = presentPolicyKinds(model);
    const present = kinds.length > 0
      ? [`${kinds.join(", ")} objects are present: they filter traffic too and are not evaluated, so NetworkPolicy verdicts cover networking.k8s.io/v1 NetworkPolicy only`]
      : [];
    const uncollected = uncollectedPolicies(model).map((u) =>
      `${u.file} was not collected${u.reason ? ` (${u.reason})` : ""} although ${u.cni} runs: ${u.kind} objects may filter traffic too, so NetworkPolicy verdicts cover networking.k8s.io/v1 NetworkPolicy only and their findings have lower confidence`);
    return [...present, ...uncollected];
  },
};

interface Shared {
  values: Record<string, unknown>;
  evidence: Record<string, Evidence[]>;
}

type SharedFor = (kind: Kind) => Shared;

function sharedValues(model: ClusterModel): SharedFor {
  const enforcement = policyEnforcement(model);
  const kinds = unevaluatedPolicyKinds(model);
  return (kind) => {
    const names = ENFORCEMENT_NAMES[kind];
    return {
      values: { [`policy.${names.enforced}`]: enforcement.status !== "not-enforced", [`policy.${names.kinds}`]: kinds },
      evidence: { [`policy.${names.enforced}`]: enforcement.evidence },
    };
  };
}

const policyRef = (ref: PolicyRef): ObjectRef => ({ kind: "NetworkPolicy", namespace: ref.namespace, name: ref.name });

function policyObject(model: ClusterModel, ref: PolicyRef): NetworkPolicy | undefined {
  return model.resources.networkpolicies.find((p) => p.metadata.name === ref.name && (p.metadata.namespace ?? "default") === ref.namespace);
}

/** A policy's gist, as evidence: selector, types and each rule's peers and ports. */
function policyEvidence(model: ClusterModel, ref: PolicyRef): Evidence[] {
  const p = policyObject(model, ref);
  if (!p) return [];
  const rules = (dir: "ingress" | "egress") =>
    (p.spec[dir] ?? []).map((r) => {
      const peers = (dir === "ingress" ? (r as { from?: unknown[] | null }).from : (r as { to?: unknown[] | null }).to) as Parameters<typeof describePeer>[0][] | null | undefined;
      return `${dir}: ${(peers ?? []).map((x) => describePeer(x, ref.namespace)).join(" OR ") || "any peer"} on ${describePorts(r.ports)}`;
    });
  const all = [...rules("ingress"), ...rules("egress")];
  return [model.evidence(p, "spec", `${formatPolicy(ref)}: podSelector {${selectorToString(p.spec.podSelector)}}, policyTypes ${(p.spec.policyTypes ?? []).join(",") || "(default)"}; ${all.join(" | ") || "no rules (deny all)"}`)];
}

function clusterSubject(model: ClusterModel, shared: Shared): SubjectFacts {
  const enforcement = policyEnforcement(model);
  const index = policyIndex(model);
  const isolated = index.classes.filter((c) => !c.hostNetwork && (c.ingressPolicies.length > 0 || c.egressPolicies.length > 0)).reduce((n, c) => n + c.pods.length, 0);
  const policies = model.resources.networkpolicies;
  return {
    kind: "Cluster",
    subject: { kind: "Cluster", name: "cluster" },
    values: {
      ...shared.values,
      "policy.policyCount": policies.length,
      "policy.enforcement": enforcement.status,
      "policy.cniPlugins": enforcement.cnis,
      "policy.isolatedPods": isolated,
    },
    evidence: {
      ...shared.evidence,
      "policy.enforcement": enforcement.evidence,
      "policy.policyCount": policies.slice(0, 3).flatMap((p) => policyEvidence(model, { namespace: p.metadata.namespace ?? "default", name: p.metadata.name })),
    },
    scope: policies.map((p) => policyRef({ namespace: p.metadata.namespace ?? "default", name: p.metadata.name })),
  };
}

function policySubject(model: ClusterModel, policy: CompiledPolicy, shared: Shared): SubjectFacts {
  const index = policyIndex(model);
  const p = policy.policy;
  const selector = p.spec.podSelector ?? {};
  const selectedPods = [...policy.selected.ids()].flatMap((id) => index.classes[id]!.pods.map((i) => index.pods[i]!));
  const nothing = selectorMatchesNothing(model, policy.ref.namespace, selector);
  const namespaces = unmatchedNamespaceSelectors(model, index, policy);
  const confusions = peerConfusions(model, policy);
  const ports = portMismatches(model, index, policy);
  const selectorEvidence = model.evidence(p, "spec.podSelector", `podSelector: ${isEmptyLabelSelector(selector) ? "{} (every pod of the namespace)" : `{${selectorToString(selector)}}`}`);
  const nearest = nothing?.nearestPods ?? [];
  const nearestEvidence = nearest.slice(0, 2).flatMap((ref) => {
    const pod = model.podsInNamespace(ref.namespace!).find((x) => x.metadata.name === ref.name);
    return pod ? [model.evidence(pod, "metadata.labels", `${ref.name} labels: ${selectorToString(pod.metadata.labels)}`)] : [];
  });
  return {
    kind: "NetworkPolicy",
    subject: policyRef(policy.ref),
    values: {
      ...shared.values,
      "policy.namespace": policy.ref.namespace,
      "policy.name": policy.ref.name,
      "policy.podSelector": selectorToString(selector),
      "policy.policyTypes": [...(policy.ingress ? ["Ingress"] : []), ...(policy.egress ? ["Egress"] : [])],
      "policy.selectedPodCount": selectedPods.length,
      "policy.selectsNothing": nothing !== null,
      "policy.selectorMismatch": nothing?.mismatch ?? null,
      "policy.nearestPods": nearest,
      "policy.nearestLabels": nothing?.nearestLabels ?? [],
      "policy.unmatchedNamespaceSelectors": namespaces.findings.map((f) => f.text),
      "policy.namespaceFixKnown": namespaces.suggested > 0,
      "policy.peerConfusions": confusions.map((c) => c.text),
      "policy.peerConfusionKinds": [...new Set(confusions.map((c) => c.kind))],
      "policy.portMismatches": ports.map((f) => f.text),
      "policy.namedPortMismatch": ports.some((f) => f.named),
    },
    evidence: {
      ...shared.evidence,
      "policy.selectsNothing": [selectorEvidence, ...nearestEvidence],
      "policy.selectedPodCount": [selectorEvidence],
      "policy.unmatchedNamespaceSelectors": namespaces.findings.map((f) => f.evidence),
      "policy.peerConfusions": confusions.map((c) => c.evidence),
      "policy.portMismatches": ports.map((f) => f.evidence),
    },
    scope: [...selectedPods.map((x) => ({ kind: "Pod", namespace: x.namespace, name: x.name })), ...nearest],
  };
}

/** host:port as Go's net.JoinHostPort writes it: IPv6 in brackets. */
function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Timeout lines naming the Service (ClusterIP:port, `<name>.<ns>.svc`) or a backend (podIP:targetPort). */
function serviceTimeouts(model: ClusterModel, svc: Service): { count: number; samples: Evidence[] } {
  const index = timeoutIndex(model);
  if (index.lines.length === 0) return { count: 0, samples: [] };
  const ns = svc.metadata.namespace ?? "default";
  const lists: Array<readonly number[] | undefined> = [index.byService.get(`${svc.metadata.name}/${ns}`)];
  const clusterIP = svc.spec.clusterIP && svc.spec.clusterIP !== "None" ? svc.spec.clusterIP : undefined;
  const backends = serviceBackendPodsOf(model, svc);
  for (const sp of svc.spec.ports ?? []) {
    if (clusterIP) lists.push(index.byTarget.get(hostPort(clusterIP, sp.port)));
    const target = sp.targetPort ?? sp.port;
    for (const pod of backends) {
      const port = typeof target === "number" ? target : pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target)?.containerPort;
      if (port !== undefined) for (const ip of podIPs(pod)) lists.push(index.byTarget.get(hostPort(ip, port)));
    }
  }
  const { count, samples } = timeoutLines(index, lists);
  return { count, samples };
}

function serviceSubject(model: ClusterModel, svc: Service, shared: Shared): SubjectFacts {
  const ns = svc.metadata.namespace ?? "default";
  const key = `${ns}/${svc.metadata.name}`;
  const gaps = serviceGaps(model).get(key) ?? [];
  const ctrl = controllerGaps(model).get(key);
  const blocking = uniquePolicies(gaps.flatMap((g) => g.isolatedBy));
  const clientEgress = uniquePolicies(gaps.flatMap((g) => g.clientEgressPolicies));
  const unreachable = uniqueRefs(gaps.flatMap((g) => g.unreachable));
  const timeouts = serviceTimeouts(model, svc);
  const ctrlPolicies = ctrl?.policies ?? [];
  const portsEvidence = model.evidence(svc, "spec.ports", `ports: ${(svc.spec.ports ?? []).map((p) => `${p.name ? `${p.name}:` : ""}${p.port}→${p.targetPort ?? p.port}/${p.protocol ?? "TCP"}`).join(", ")}`);
  return {
    kind: "Service",
    subject: { kind: "Service", namespace: ns, name: svc.metadata.name },
    values: {
      ...shared.values,
      "policy.unreachablePorts": gaps.map((g) => g.port),
      "policy.unreachableBackends": unreachable,
      "policy.unreachableBackendCount": unreachable.length,
      "policy.blockedBy": gaps.some((g) => g.blockedBy === "ingress") ? "ingress" : gaps.length ? "egress" : "",
      "policy.blockingPolicies": blocking.map(formatPolicy),
      "policy.blockingPolicyRefs": blocking.map(policyRef),
      "policy.clientEgressPolicies": clientEgress.map(formatPolicy),
      "policy.ingresses": ctrl?.ingresses ?? [],
      "policy.ingressControllerPods": ctrl?.controllerPods ?? [],
      "policy.ingressControllerBlockedPorts": ctrl?.ports ?? [],
      "policy.ingressControllerHostNetwork": ctrl?.hostNetwork ?? false,
      "policy.ingressControllerBlockedBy": ctrl?.blockedBy ?? "",
      "policy.ingressControllerPolicies": ctrlPolicies.map(formatPolicy),
      "policy.ingressControllerVerdict": ctrl ? explainVerdict(ctrl.example) : [],
      "policy.timeoutLogLines": timeouts.count,
    },
    evidence: {
      ...shared.evidence,
      "policy.unreachablePorts": [portsEvidence, ...blocking.slice(0, 3).flatMap((r) => policyEvidence(model, r))],
      "policy.clientEgressPolicies": clientEgress.slice(0, 3).flatMap((r) => policyEvidence(model, r)),
      "policy.ingressControllerBlockedPorts": [
        ...(ctrl?.ingresses ?? []).slice(0, 2).flatMap((r) => {
          const ing = model.resources.ingresses.find((i) => i.metadata.name === r.name && (i.metadata.namespace ?? "default") === r.namespace);
          return ing ? [model.evidence(ing, "spec", `Ingress ${r.namespace}/${r.name} routes to Service ${key}`)] : [];
        }),
        ...ctrlPolicies.slice(0, 3).flatMap((r) => policyEvidence(model, r)),
      ],
      "policy.timeoutLogLines": timeouts.samples,
    },
    scope: [...unreachable, ...blocking.map(policyRef), ...clientEgress.map(policyRef), ...(ctrl?.ingresses ?? []), ...(ctrl?.controllerPods ?? []), ...(ctrl?.backends ?? []), ...ctrlPolicies.map(policyRef)],
  };
}

function namespaceSubject(model: ClusterModel, ns: string, shared: Shared): SubjectFacts {
  const calls = externalEgressGaps(model).get(ns) ?? [];
  const policies = uniquePolicies(calls.flatMap((c) => c.policies));
  return {
    kind: "Namespace",
    subject: { kind: "Namespace", name: ns },
    values: {
      ...shared.values,
      "policy.externalCallsBlocked": calls.map(describeCall),
      "policy.externalCallWorkloads": uniqueRefs(calls.map((c) => c.workload)),
      "policy.externalCallPolicies": policies.map(formatPolicy),
      "policy.externalCallTimeouts": calls.filter((c) => c.timedOut).length,
    },
    evidence: {
      ...shared.evidence,
      "policy.externalCallsBlocked": [...calls.slice(0, 3).map((c) => c.evidence), ...policies.slice(0, 2).flatMap((r) => policyEvidence(model, r))],
    },
    scope: [...uniqueRefs(calls.flatMap((c) => [c.workload, ...c.pods])), ...policies.map(policyRef)],
  };
}

function uniquePolicies(refs: PolicyRef[]): PolicyRef[] {
  const seen = new Map<string, PolicyRef>();
  for (const r of refs) seen.set(formatPolicy(r), r);
  return [...seen.values()];
}

function uniqueRefs(refs: ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace ?? ""}/${r.name}`, r);
  return [...seen.values()];
}
