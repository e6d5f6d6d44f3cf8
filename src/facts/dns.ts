/**
 * DNS layer facts. Two kinds of subject:
 *
 * - the Cluster: CoreDNS's health (pods, replicas, the kube-dns Service's
 *   endpoints), its Corefile, the kubelet's clusterDNS/clusterDomain/resolvConf,
 *   the node resolv.conf files and what CoreDNS logs (loops, upstream failures);
 * - every Workload: the name-resolution failures its pods log, and the ndots
 *   search expansion its external lookups cost (from CoreDNS query logs).
 *
 * Kubernetes semantics kept: CoreDNS pods run with dnsPolicy Default, so
 * `forward . /etc/resolv.conf` reads the file the kubelet's `resolvConf`
 * names on their node (not necessarily the node's /etc/resolv.conf); pods
 * with dnsPolicy ClusterFirst get the kubelet's clusterDNS as nameserver,
 * hostNetwork pods only with ClusterFirstWithHostNet; NodeLocal DNSCache pods
 * make a link-local clusterDNS legitimate.
 */
import { z } from "zod";
import { clip, type Evidence, type ObjectRef } from "../types/evidence.js";
import type { ClusterModel, WorkloadGroup } from "../model/model.js";
import type { Container, NetworkPolicyPeer, Pod, Service } from "../model/k8s.js";
import { allContainerStatuses, isPodReady, podRef } from "../model/pods.js";
import { ipInCidr } from "../model/cidr.js";
import { selectorToString } from "../model/selectors.js";
import { parseResolvConf, type ResolvConf } from "../model/parsers/resolv-conf.js";
import { isKubeletPodResolvConf, isLoopbackAddress } from "./dns/resolv.js";
import { parseQueryLogLine, summarizeQueryLog } from "../model/signals/coredns.js";
import { COREDNS_SIGNALS } from "../model/signals/coredns.js";
import type { SignalSummary } from "../model/signals/scan.js";
import { clusterDns, dnsContainerName, dnsPodIPs, readyDnsPods, serviceClusterIPs, type ClusterDns } from "./dns/cluster-dns.js";
import { clientFailures, type ClientFailures } from "./dns/clients.js";
import { corefileAdvice, corefileProblems, type CorefileFinding } from "./dns/corefile-checks.js";
import { dnsPolicyGaps } from "./dns/policy.js";
import { describePeer, describePorts, formatPolicy, type PodRef, type PolicyRef } from "./netpol/index.js";
import { declareFacts } from "./define.js";
import { ObjectRefList, ObjectRefShape, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";

const CM = ["resources/configmaps.json"];
const PODS_SVCS = ["resources/pods.json", "resources/services.json"];
const DNS_LOGS = ["resources/pods.json", "logs/*/*/*.log"];

const LineText = z.array(z.object({ line: z.number(), text: z.string() }));
const PodDetail = z.array(z.object({ pod: z.string(), detail: z.string() }));

const clusterFacts = declareFacts("dns", "Cluster", CM, {
  corefileFound: { description: "A Corefile was found in the ConfigMap the DNS pods mount (kube-system/coredns on most clusters).", shape: z.boolean(), example: true },
  corednsVersion: { description: "CoreDNS version from the image tag or the startup log (\"\" when unknown).", shape: z.string(), example: "1.11.3", requires: ["resources/pods.json"] },
  clusterDomain: { description: "The cluster domain: the kubelet's clusterDomain (kubelet-config ConfigMap), else cluster.local.", shape: z.string(), example: "cluster.local" },
  corefileProblems: {
    description: "What makes CoreDNS refuse the Corefile or miss the cluster domain: parse errors, removed plugins/options, no kubernetes plugin for the cluster domain, a kubernetes zone other than the cluster domain. Each with its Corefile line.",
    shape: LineText,
    example: [{ line: 6, text: "'upstream' in plugin 'kubernetes' was removed in CoreDNS 1.7.0: CoreDNS 1.7.0+ fails with \"unknown property 'upstream'\"" }],
  },
  corefileAdvice: {
    description: "Best-practice gaps in the Corefile: no cache, no loop/health/ready, health without lameduck, max_concurrent under 100, options deprecated in later CoreDNS.",
    shape: LineText,
    example: [{ line: 3, text: "health without lameduck: CoreDNS stops answering the moment it is told to stop, so queries fail during rollouts (kubeadm uses lameduck 5s)" }],
  },
  loopPluginEnabled: { description: "The main server block has the loop plugin (CoreDNS exits when it detects a forwarding loop).", shape: z.boolean(), example: true },
  kubernetesZones: { description: "Zones the kubernetes plugin answers.", shape: StringList, example: ["cluster.local.", "in-addr.arpa.", "ip6.arpa."] },
  forwardTargets: { description: "Where the root zone is forwarded (`forward .` of the main server block): a resolv.conf path or addresses.", shape: StringList, example: ["/etc/resolv.conf"] },
  forwardPolicy: { description: "The forward plugin's policy (random when unset).", shape: z.string(), example: "random" },
  forwardMaxConcurrent: { description: "The forward plugin's max_concurrent (-1 when unset: unlimited).", shape: z.number(), example: 1000 },
  namespace: { description: "The namespace CoreDNS runs in (kube-system on most clusters).", shape: z.string(), example: "kube-system", requires: PODS_SVCS },
  podSelector: { description: "A kubectl -l selector for the CoreDNS pods (the DNS Service's selector).", shape: z.string(), example: "k8s-app=kube-dns", requires: PODS_SVCS },
  service: { description: "The DNS Service pods use (kube-system/kube-dns on most clusters), or null when none was found.", shape: ObjectRefShape.nullable(), example: { kind: "Service", namespace: "kube-system", name: "kube-dns" }, requires: PODS_SVCS },
  serviceIPs: { description: "ClusterIPs of the DNS Service.", shape: StringList, example: ["10.96.0.10"], requires: PODS_SVCS },
  serviceReadyEndpoints: { description: "Ready endpoint addresses of the DNS Service (-1 when there is no DNS Service).", shape: z.number(), example: 2, requires: [...PODS_SVCS, "resources/endpointslices.json|resources/endpoints.json"] },
  workloads: { description: "The controllers running CoreDNS (Deployment kube-system/coredns…).", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "kube-system", name: "coredns" }], requires: PODS_SVCS },
  podCount: { description: "Non-terminal CoreDNS / kube-dns pods.", shape: z.number(), example: 2, requires: PODS_SVCS },
  readyPodCount: { description: "Of those, the Ready ones.", shape: z.number(), example: 2, requires: PODS_SVCS },
  desiredReplicas: { description: "Replicas the CoreDNS Deployment asks for (the pod count when the Deployment was not collected).", shape: z.number(), example: 2, requires: PODS_SVCS },
  schedulableNodes: { description: "Ready nodes that accept pods.", shape: z.number(), example: 3, requires: ["resources/nodes.json"] },
  podProblems: { description: "CoreDNS pods that are not ready, with why (waiting reason, restarts, last exit, probe message).", shape: PodDetail, example: [{ pod: "coredns-7db6d8ff4d-x2k4q", detail: "CrashLoopBackOff, 14 restarts, last exit Error (code 1)" }], requires: PODS_SVCS },
  unavailableReason: {
    description: "Why cluster DNS is down (\"\" when it is up): no CoreDNS pod, none ready, or the DNS Service without ready endpoints.",
    shape: z.string(),
    example: "none of the 2 CoreDNS pods is ready",
    requires: [...PODS_SVCS, "resources/endpointslices.json|resources/endpoints.json"],
  },
  restartingPods: { description: "CoreDNS containers OOMKilled, crash-looping or restarting repeatedly (≥ 5 restarts, the last within a day).", shape: PodDetail, example: [{ pod: "coredns-7db6d8ff4d-x2k4q", detail: "OOMKilled (memory limit 170Mi), 3 restarts" }], requires: PODS_SVCS },
  errorSignals: { description: "Error and warning signals in the CoreDNS logs (COREDNS_SIGNALS), with counts.", shape: z.array(z.object({ signal: z.string(), count: z.number(), description: z.string() })), example: [{ signal: "coredns.loop-detected", count: 1, description: "The loop plugin saw its own probe come back" }], requires: DNS_LOGS },
  corefileErrorsInLogs: { description: "CoreDNS log lines rejecting the Corefile (parse error, unknown directive, reload failed).", shape: z.number(), example: 0, requires: DNS_LOGS },
  loopDetectedInLogs: { description: "CoreDNS log lines from the loop plugin detecting a forwarding loop.", shape: z.number(), example: 0, requires: DNS_LOGS },
  upstreamErrors: { description: "CoreDNS log lines where a forwarded query timed out or the upstream was unreachable (including the loop plugin's HINFO probe).", shape: z.number(), example: 0, requires: DNS_LOGS },
  failingUpstreams: { description: "Upstream addresses those lines name.", shape: StringList, example: ["10.0.0.2:53"], requires: DNS_LOGS },
  upstreamServers: { description: "The upstream resolvers CoreDNS forwards to: forward addresses, or the nameservers of the resolv.conf it reads (nodes/*/resolv.conf when that is the file).", shape: StringList, example: ["10.0.0.2"] },
  forwardLoopPath: {
    description: "How the Corefile's forward leads back to CoreDNS (\"\" when it does not): a loopback target, the DNS Service itself, ClusterFirst CoreDNS pods, or resolv.conf → a node stub resolver such as 127.0.0.53.",
    shape: z.string(),
    example: "forward . /etc/resolv.conf → kubelet resolvConf /etc/resolv.conf → nameserver 127.0.0.53 on node-1, node-2",
  },
  kubeletClusterDNS: { description: "The kubelet's clusterDNS (nameservers written into ClusterFirst pods' resolv.conf).", shape: StringList, example: ["10.96.0.10"] },
  kubeletResolvConf: { description: "The file the kubelet gives dnsPolicy Default pods (CoreDNS) as resolv.conf (\"\" when the kubelet configuration was not collected).", shape: z.string(), example: "/run/systemd/resolve/resolv.conf" },
  clusterDnsMismatches: {
    description: "Nameservers pods are given that no DNS Service (or NodeLocal DNSCache) answers on: from the kubelet's clusterDNS, pod resolv.conf probes, or the server Go clients name in their logs.",
    shape: z.array(z.object({ source: z.string(), nameserver: z.string() })),
    example: [{ source: "the kubelet's clusterDNS (ConfigMap kube-system/kubelet-config)", nameserver: "10.100.0.10" }],
    requires: ["resources/services.json", "resources/configmaps.json|probes/*|logs/*/*/*.log"],
  },
  clientsWithResolutionErrors: { description: "Workloads (other than DNS itself) whose logs show name-resolution failures.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "api" }], requires: DNS_LOGS },
  clientsFailingClusterNames: { description: "Of those, the ones failing to resolve cluster names (Services, .svc, the cluster domain).", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "api" }], requires: DNS_LOGS },
  clientsFailingExternalNames: { description: "Of those, the ones failing to resolve names outside the cluster.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "checkout" }], requires: DNS_LOGS },
});

const POLICY = ["resources/networkpolicies.json", "resources/pods.json", "resources/namespaces.json"];

const clusterPolicyFacts = declareFacts("dns", "Cluster", POLICY, {
  ingressBlockedProtocols: { description: "Protocols (UDP, TCP) on port 53 that CoreDNS's ingress NetworkPolicies refuse to some pods.", shape: StringList, example: ["UDP", "TCP"] },
  ingressBlockedNamespaces: { description: "Namespaces of the pods CoreDNS's ingress policies do not admit on port 53.", shape: StringList, example: ["shop", "payments"] },
  ingressBlockedWorkloads: { description: "Workloads whose pods CoreDNS's ingress policies do not admit on port 53.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "api" }] },
  ingressBlockedPods: { description: "How many pods that is.", shape: z.number(), example: 7 },
  dnsIngressPolicies: { description: "The policies isolating the CoreDNS pods for ingress (ns/name).", shape: StringList, example: ["kube-system/default-deny-ingress"] },
});

const namespaceFacts = declareFacts("dns", "Namespace", POLICY, {
  egressBlockedProtocols: { description: "Protocols (UDP, TCP) on port 53 that the namespace's egress NetworkPolicies let no pod send to any CoreDNS pod, for some of its pods.", shape: StringList, example: ["UDP", "TCP"] },
  egressBlockedWorkloads: { description: "Workloads of the namespace whose egress policies admit no path to CoreDNS on port 53.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "api" }] },
  egressBlockedPods: { description: "How many pods that is.", shape: z.number(), example: 2 },
  egressPoliciesWithoutDns: { description: "The egress policies isolating those pods (ns/name), none of which admits DNS.", shape: StringList, example: ["shop/default-deny-egress"] },
  clientsFailing: { description: "Workloads of the namespace whose logs show name-resolution failures.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "api" }], requires: DNS_LOGS },
});

const workloadFacts = declareFacts("dns", "Workload", DNS_LOGS, {
  usesClusterDns: { description: "The pods resolve through cluster DNS: dnsPolicy ClusterFirst without hostNetwork, or ClusterFirstWithHostNet.", shape: z.boolean(), example: true, requires: ["resources/pods.json"] },
  ndots: { description: "The ndots option the pods resolve with: dnsConfig's, else 5 (the kubelet's default for cluster DNS); -1 when they do not use cluster DNS.", shape: z.number(), example: 5, requires: ["resources/pods.json"] },
  resolutionFailureLines: { description: "Log lines of the workload's pods reporting a failed name resolution (DNS_CLIENT_SIGNALS).", shape: z.number(), example: 12 },
  resolutionFailureKinds: { description: "What those failures say: unreachable (no answer), failed (SERVFAIL/EAI_AGAIN), not-found (NXDOMAIN).", shape: StringList, example: ["unreachable"] },
  failedNames: { description: "Names the pods failed to resolve (up to 10).", shape: StringList, example: ["payments.payments.svc.cluster.local"] },
  externalSearchExpansion: {
    description: "From CoreDNS query logs (log plugin): NXDOMAIN queries the pods' external lookups cost through the search list, and the names expanded most.",
    shape: z.object({ queries: z.number(), names: StringList }),
    example: { queries: 8, names: ["api.stripe.com."] },
  },
});

export const dnsFacts: FactBuilder = {
  layer: "dns",
  facts: [...clusterFacts, ...clusterPolicyFacts, ...namespaceFacts, ...workloadFacts],
  *build(model) {
    yield clusterSubject(model);
    yield* namespaceSubjects(model);
    const failures = new Map(clientFailures(model).map((f) => [f.workload, f]));
    const expansion = searchExpansionByWorkload(model);
    for (const group of model.workloads()) yield workloadSubject(model, group, failures.get(group), expansion.get(group));
  },
  notes(model) {
    const dns = clusterDns(model);
    const notes: string[] = [];
    if (dns.pods.length > 0 && dns.logs.length === 0 && model.logs.length > 0) notes.push("CoreDNS logs were not collected: forward loops and upstream failures could only be checked from the configuration");
    if (dns.corefile && dns.corefile.analysis.imports.length > 0) notes.push(`the Corefile imports ${dns.corefile.analysis.imports.map((i) => i.pattern).join(", ")}: imported files are not in the snapshot and were not checked`);
    const skipped = dnsPolicyGaps(model).skipped;
    if (skipped) notes.push(skipped);
    if (dns.pods.length > 0 && !dns.corefile && model.has("resources/configmaps.json")) notes.push("no Corefile ConfigMap found for the DNS pods (kube-dns without CoreDNS, or not collected): Corefile checks did not run");
    return notes;
  },
};

// ---------------------------------------------------------------- Cluster

function clusterSubject(model: ClusterModel): SubjectFacts {
  const dns = clusterDns(model);
  const values: Record<string, unknown> = {};
  const evidence: Record<string, Evidence[]> = {};
  corefileFacts(model, dns, values, evidence);
  healthFacts(model, dns, values, evidence);
  logFacts(dns, values, evidence);
  kubeletFacts(model, dns, values, evidence);
  clientFacts(model, values, evidence);
  ingressPolicyFacts(model, values, evidence);
  // The DNS pods' nodes: a NotReady node hosting CoreDNS explains CoreDNS being down.
  const nodes = [...new Set(dns.pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))].map((name) => ({ kind: "Node", name }));
  const scope: ObjectRef[] = [...dns.workloads.map((w) => w.ref), ...dns.pods.map(podRef), ...nodes, ...(dns.service ? [serviceRef(dns.service)] : [])];
  return { kind: "Cluster", subject: { kind: "Cluster", name: "cluster" }, values, evidence, scope };
}

function serviceRef(s: Service): ObjectRef {
  return { kind: "Service", namespace: s.metadata.namespace ?? "default", name: s.metadata.name };
}

function corefileLine(model: ClusterModel, dns: ClusterDns, f: CorefileFinding): Evidence {
  const cm = dns.corefile!.configMap;
  const source = dns.corefile!.text.split("\n")[f.line - 1]?.trim();
  return model.evidence(cm, "data.Corefile", `line ${f.line}: ${source ? `${source} — ` : ""}${f.text}`);
}

function corefileFacts(model: ClusterModel, dns: ClusterDns, values: Record<string, unknown>, evidence: Record<string, Evidence[]>): void {
  const a = dns.corefile?.analysis;
  const domainSource = dns.kubelet?.clusterDomainSet ? `kubelet clusterDomain in ${dns.kubelet.configMap}` : "the default";
  const problems = a ? corefileProblems(a, dns.clusterDomain, domainSource) : [];
  const advice = a ? corefileAdvice(a) : [];
  const rootForward = a?.forward.find((f) => f.blockIndex === a.mainBlockIndex && f.from === ".");
  Object.assign(values, {
    "dns.corefileFound": !!a,
    "dns.corednsVersion": dns.version ?? "",
    "dns.clusterDomain": dns.clusterDomain,
    "dns.corefileProblems": problems,
    "dns.corefileAdvice": advice,
    "dns.loopPluginEnabled": !!a?.loop,
    "dns.kubernetesZones": a?.kubernetesPlugin?.zones ?? [],
    "dns.forwardTargets": rootForward?.to.map((t) => t.raw) ?? [],
    "dns.forwardPolicy": rootForward?.policy ?? (rootForward ? "random" : ""),
    "dns.forwardMaxConcurrent": rootForward?.maxConcurrent ?? -1,
  });
  if (!dns.corefile) return;
  evidence["dns.corefileProblems"] = problems.slice(0, 5).map((f) => corefileLine(model, dns, f));
  if (problems.some((p) => /cluster domain/.test(p.text)) && dns.kubelet?.lines.clusterDomain) {
    const cm = model.resources.configmaps.find((c) => c.metadata.name === dns.kubelet!.configMap && c.metadata.namespace === "kube-system");
    if (cm) evidence["dns.corefileProblems"].push(model.evidence(cm, "data.kubelet", `line ${dns.kubelet.lines.clusterDomain}: clusterDomain: ${dns.clusterDomain}`));
  }
  evidence["dns.corefileAdvice"] = advice.slice(0, 5).map((f) => corefileLine(model, dns, f));
  if (rootForward) evidence["dns.forwardTargets"] = [corefileLine(model, dns, { line: rootForward.line, text: `forwards to ${rootForward.to.map((t) => t.raw).join(" ")}` })];
}

// ---------------------------------------------------------------- health

function healthFacts(model: ClusterModel, dns: ClusterDns, values: Record<string, unknown>, evidence: Record<string, Evidence[]>): void {
  const ready = readyDnsPods(dns);
  const endpoints = dns.service ? readyEndpoints(model, dns.service) : undefined;
  const controllers = dns.workloads.length > 0 ? dns.workloads.flatMap((w) => (w.object ? [w.object] : [])) : dnsControllers(model);
  const desired = controllers.reduce((n, c) => n + (c.spec.replicas ?? (c.kind === "DaemonSet" ? 0 : 1)), 0);
  const workloadRefs = dns.workloads.length > 0 ? dns.workloads.map((w) => w.ref) : controllers.map((c) => ({ kind: c.kind ?? "Deployment", namespace: c.metadata.namespace ?? "kube-system", name: c.metadata.name }));
  const problems = dns.pods.filter((p) => !isPodReady(p)).map((p) => ({ pod: p.metadata.name, detail: podDetail(model, p) }));
  const collectedAt = Date.parse(model.manifest?.collectedAt ?? "");
  const restarting = dns.pods.flatMap((p) => {
    const detail = restartProblem(p, collectedAt);
    return detail ? [{ pod: p.metadata.name, detail }] : [];
  });
  const reason = unavailableReason(model, dns, ready.length, endpoints?.ready ?? -1, controllers.length > 0 && desired === 0);
  const schedulable = model.resources.nodes.filter((n) => !n.spec.unschedulable && (n.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"));
  Object.assign(values, {
    "dns.namespace": dns.service?.metadata.namespace ?? dns.pods[0]?.metadata.namespace ?? "kube-system",
    "dns.podSelector": podSelector(dns),
    "dns.service": dns.service ? serviceRef(dns.service) : null,
    "dns.serviceIPs": dns.serviceIPs,
    "dns.serviceReadyEndpoints": endpoints?.ready ?? -1,
    "dns.workloads": workloadRefs,
    "dns.podCount": dns.pods.length,
    "dns.readyPodCount": ready.length,
    "dns.desiredReplicas": controllers.length > 0 ? desired : dns.pods.length,
    "dns.schedulableNodes": schedulable.length,
    "dns.podProblems": problems,
    "dns.unavailableReason": reason,
    "dns.restartingPods": restarting,
  });
  const podEvidence = (pods: Pod[], detailOf: (p: Pod) => string) => pods.slice(0, 3).map((p) => model.evidence(p, "status.containerStatuses", `${p.metadata.name}: ${detailOf(p)}`));
  const notReady = dns.pods.filter((p) => !isPodReady(p));
  evidence["dns.podProblems"] = [...podEvidence(notReady, (p) => podDetail(model, p)), ...podEvents(model, notReady)];
  evidence["dns.readyPodCount"] = evidence["dns.podProblems"];
  evidence["dns.serviceReadyEndpoints"] = endpoints?.evidence ?? [];
  evidence["dns.unavailableReason"] = [...evidence["dns.podProblems"], ...(endpoints?.evidence ?? []), ...controllers.slice(0, 1).map((c) => model.evidence(c, "spec.replicas", `${c.kind ?? "Deployment"} ${c.metadata.name}: replicas ${c.spec.replicas ?? 1}`))];
  evidence["dns.restartingPods"] = podEvidence(dns.pods.filter((p) => restartProblem(p, collectedAt)), (p) => restartProblem(p, collectedAt)!);
  evidence["dns.desiredReplicas"] = controllers.slice(0, 1).map((c) => model.evidence(c, "spec.replicas", `${c.kind ?? "Deployment"} ${c.metadata.namespace}/${c.metadata.name}: replicas ${c.spec.replicas ?? 1}`));
  evidence["dns.schedulableNodes"] = schedulable.slice(0, 3).map((n) => model.evidence(n, "status.conditions", `${n.metadata.name}: Ready`));
  if (dns.service) evidence["dns.service"] = [model.evidence(dns.service, "spec.clusterIP", `${dns.service.metadata.name}: clusterIP ${dns.serviceIPs.join(", ")}`)];
}

function podSelector(dns: ClusterDns): string {
  const selector = dns.service?.spec.selector;
  if (selector && Object.keys(selector).length > 0) return selectorToString(selector);
  const labels = dns.pods[0]?.metadata.labels ?? {};
  const key = ["k8s-app", "app.kubernetes.io/name"].find((k) => labels[k]);
  return key ? `${key}=${labels[key]}` : "k8s-app=kube-dns";
}

const DNS_CONTROLLER_LABELS = /^(kube-dns|coredns|rke2-coredns)$/;

/** CoreDNS controllers even when they have no pod (scaled to zero). */
function dnsControllers(model: ClusterModel) {
  return model.resources.deployments.filter((d) => {
    if ((d.metadata.namespace ?? "default") !== "kube-system") return false;
    const labels = { ...d.metadata.labels, ...(d.spec.template?.metadata?.labels ?? {}) };
    return d.metadata.name === "coredns" || DNS_CONTROLLER_LABELS.test(labels["k8s-app"] ?? "") || DNS_CONTROLLER_LABELS.test(labels["app.kubernetes.io/name"] ?? "");
  });
}

function unavailableReason(model: ClusterModel, dns: ClusterDns, ready: number, readyEndpoints: number, scaledToZero: boolean): string {
  const svc = dns.service ? `Service ${dns.service.metadata.namespace}/${dns.service.metadata.name}` : "the DNS Service";
  if (dns.pods.length === 0) {
    if (scaledToZero) return `CoreDNS is scaled to 0 replicas: ${svc} has no endpoint`;
    // With no kube-system pod at all the namespace was probably not collected: say nothing.
    if (dns.service && model.podsInNamespace(dns.service.metadata.namespace ?? "default").length > 0) return `no CoreDNS pod exists: ${svc} selects none`;
    return "";
  }
  if (ready === 0) return `none of the ${dns.pods.length} CoreDNS pods is ready`;
  if (readyEndpoints === 0) return `${svc} has no ready endpoint although ${ready} CoreDNS pods are ready`;
  return "";
}

function containerOf(p: Pod): Container | undefined {
  const name = dnsContainerName(p);
  return p.spec.containers.find((c) => c.name === name);
}

function statusOf(p: Pod) {
  const name = dnsContainerName(p);
  return allContainerStatuses(p).find((s) => s.name === name);
}

function podDetail(model: ClusterModel, p: Pod): string {
  const s = statusOf(p);
  const parts: string[] = [];
  if (p.status.phase && p.status.phase !== "Running") parts.push(p.status.phase);
  if (s?.state?.waiting?.reason) parts.push(s.state.waiting.reason);
  else if (s?.state?.running && s.ready === false) parts.push("running, not ready");
  if (s?.restartCount) parts.push(`${s.restartCount} restarts`);
  const last = s?.lastState?.terminated;
  if (last) parts.push(`last exit ${last.reason ?? "?"}${last.exitCode !== undefined ? ` (code ${last.exitCode})` : ""}`);
  const probe = model.eventsFor("Pod", p.metadata.namespace, p.metadata.name).find((e) => e.reason === "Unhealthy");
  if (probe?.message) parts.push(probe.message);
  return parts.join(", ") || "not ready";
}

function podEvents(model: ClusterModel, pods: Pod[]): Evidence[] {
  const out: Evidence[] = [];
  for (const p of pods) {
    for (const e of model.eventsFor("Pod", p.metadata.namespace, p.metadata.name)) {
      if (e.type === "Warning" && out.length < 2) out.push(model.evidence(e, undefined, `${e.reason}: ${e.message ?? ""}`));
    }
  }
  return out;
}

const RESTARTS_WORTH_REPORTING = 5;
const RECENT_MS = 24 * 3600 * 1000;

function memoryLimit(c: Container | undefined): string | undefined {
  const limits = (c?.resources as { limits?: { memory?: unknown } } | null | undefined)?.limits;
  return typeof limits?.memory === "string" ? limits.memory : undefined;
}

/** OOM kills, crash loops, or many restarts the last of which is recent: CoreDNS is short of resources or unstable. */
function restartProblem(p: Pod, collectedAt: number): string | undefined {
  const s = statusOf(p);
  if (!s) return undefined;
  const restarts = s.restartCount ?? 0;
  const last = s.lastState?.terminated ?? s.state?.terminated;
  if (last?.reason === "OOMKilled") {
    const limit = memoryLimit(containerOf(p));
    return `OOMKilled${limit ? ` (memory limit ${limit})` : ""}, ${restarts} restarts`;
  }
  if (s.state?.waiting?.reason === "CrashLoopBackOff") return `CrashLoopBackOff, ${restarts} restarts${last ? `, last exit ${last.reason ?? "?"} (code ${last.exitCode ?? "?"})` : ""}`;
  const finished = Date.parse(last?.finishedAt ?? "");
  const recent = Number.isFinite(finished) && Number.isFinite(collectedAt) && collectedAt - finished < RECENT_MS;
  if (restarts >= RESTARTS_WORTH_REPORTING && recent) return `${restarts} restarts, last exit ${last?.reason ?? "?"} (code ${last?.exitCode ?? "?"})`;
  return undefined;
}

function readyEndpoints(model: ClusterModel, svc: Service): { ready: number; evidence: Evidence[] } {
  const ns = svc.metadata.namespace ?? "default";
  const slices = model.slicesFor(ns, svc.metadata.name);
  if (slices.length > 0 || model.has("resources/endpointslices.json")) {
    const ready = new Set<string>();
    for (const s of slices) for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false && e.conditions?.terminating !== true) e.addresses.forEach((a) => ready.add(a));
    const evidence = slices.length > 0
      ? slices.slice(0, 2).map((s) => model.evidence(s, "endpoints", `EndpointSlice ${s.metadata.name}: ${(s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length} of ${(s.endpoints ?? []).length} endpoints ready`))
      : [{ file: "resources/endpointslices.json", excerpt: `no EndpointSlice for ${ns}/${svc.metadata.name}` }];
    return { ready: ready.size, evidence };
  }
  const eps = model.endpointsFor(ns, svc.metadata.name);
  const ready = new Set((eps?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)));
  return { ready: ready.size, evidence: eps ? [model.evidence(eps, "subsets", `Endpoints ${svc.metadata.name}: ${ready.size} ready`)] : [{ file: "resources/endpoints.json", excerpt: `no Endpoints ${ns}/${svc.metadata.name}` }] };
}

// ---------------------------------------------------------------- logs

const UPSTREAM_SIGNALS = ["coredns.upstream-timeout", "coredns.upstream-unreachable", "coredns.no-upstream", "coredns.loop-probe-timeout"];
const COREFILE_SIGNALS = ["coredns.corefile-parse-error", "coredns.unknown-directive", "coredns.reload-failed"];

function signalCount(s: Map<string, SignalSummary>, ids: string[]): number {
  return ids.reduce((n, id) => n + (s.get(id)?.count ?? 0), 0);
}

function signalSamples(s: Map<string, SignalSummary>, ids: string[]): Evidence[] {
  return ids.flatMap((id) => s.get(id)?.samples ?? []).slice(0, 4);
}

function logFacts(dns: ClusterDns, values: Record<string, unknown>, evidence: Record<string, Evidence[]>): void {
  const s = dns.signals;
  const alerting = COREDNS_SIGNALS.filter((d) => d.severity !== "info" && s.has(d.id));
  const upstreams = [...new Set(UPSTREAM_SIGNALS.flatMap((id) => s.get(id)?.values.upstream ?? []))];
  Object.assign(values, {
    "dns.errorSignals": alerting.map((d) => ({ signal: d.id, count: s.get(d.id)!.count, description: d.description })),
    "dns.corefileErrorsInLogs": signalCount(s, COREFILE_SIGNALS),
    "dns.loopDetectedInLogs": signalCount(s, ["coredns.loop-detected"]),
    "dns.upstreamErrors": signalCount(s, UPSTREAM_SIGNALS),
    "dns.failingUpstreams": upstreams,
  });
  evidence["dns.errorSignals"] = signalSamples(s, alerting.map((d) => d.id));
  evidence["dns.corefileErrorsInLogs"] = signalSamples(s, COREFILE_SIGNALS);
  evidence["dns.loopDetectedInLogs"] = signalSamples(s, ["coredns.loop-detected"]);
  evidence["dns.upstreamErrors"] = signalSamples(s, UPSTREAM_SIGNALS);
  evidence["dns.failingUpstreams"] = evidence["dns.upstreamErrors"];
}

// ---------------------------------------------------------------- kubelet, node resolv.conf, nameservers

const LINK_LOCAL = "169.254.0.0/16";

/** Addresses that do answer cluster DNS: Services on port 53, the DNS pods, NodeLocal DNSCache's link-local address. */
function answersClusterDns(model: ClusterModel, dns: ClusterDns): (ip: string) => boolean {
  const ips = new Set([
    ...model.resources.services.filter((s) => (s.spec.ports ?? []).some((p) => p.port === 53)).flatMap(serviceClusterIPs),
    ...dnsPodIPs(dns),
  ]);
  return (ip) => ips.has(ip) || (dns.nodeLocalDns && ipInCidr(ip, LINK_LOCAL));
}

function kubeletConfigMap(model: ClusterModel, dns: ClusterDns) {
  return dns.kubelet ? model.resources.configmaps.find((c) => c.metadata.name === dns.kubelet!.configMap && c.metadata.namespace === "kube-system") : undefined;
}

function stripPort(server: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(server);
  if (bracketed) return bracketed[1]!;
  return /^[^:]+:\d+$/.test(server) ? server.slice(0, server.lastIndexOf(":")) : server;
}

/** dnsPolicy ClusterFirst (which hostNetwork pods silently downgrade to Default) or ClusterFirstWithHostNet. */
function usesClusterDnsPolicy(p: Pod): boolean {
  const policy = p.spec.dnsPolicy ?? "ClusterFirst";
  return (policy === "ClusterFirst" && !p.spec.hostNetwork) || policy === "ClusterFirstWithHostNet";
}

/** Pods whose nameserver the kubelet writes from clusterDNS, and nothing else. */
function getsKubeletNameserver(p: Pod): boolean {
  const extra = (p.spec.dnsConfig as { nameservers?: unknown } | null | undefined)?.nameservers;
  return usesClusterDnsPolicy(p) && !(Array.isArray(extra) && extra.length > 0);
}

function kubeletFacts(model: ClusterModel, dns: ClusterDns, values: Record<string, unknown>, evidence: Record<string, Evidence[]>): void {
  const cm = kubeletConfigMap(model, dns);
  const answers = answersClusterDns(model, dns);
  const mismatches: { source: string; nameserver: string }[] = [];
  const mismatchEvidence: Evidence[] = [];
  if (dns.serviceIPs.length > 0) {
    for (const ip of dns.kubelet?.clusterDNS ?? []) {
      if (answers(ip)) continue;
      mismatches.push({ source: `the kubelet's clusterDNS (ConfigMap kube-system/${dns.kubelet!.configMap})`, nameserver: ip });
      if (cm) mismatchEvidence.push(model.evidence(cm, "data.kubelet", `line ${dns.kubelet!.lines.clusterDNS ?? "?"}: clusterDNS: [${dns.kubelet!.clusterDNS.join(", ")}]`));
    }
    for (const [name, text] of model.probes) {
      const conf = parseResolvConf(text);
      if (!isKubeletPodResolvConf(conf)) continue;
      for (const ns of conf.nameservers) {
        if (answers(ns.address)) continue;
        mismatches.push({ source: `probes/${name}`, nameserver: ns.address });
        mismatchEvidence.push({ file: `probes/${name}`, line: ns.line, excerpt: clip(`nameserver ${ns.address}`) });
      }
    }
    for (const f of clientFailures(model)) {
      for (const s of f.servers) {
        const ip = stripPort(s.server);
        if (!getsKubeletNameserver(s.pod) || answers(ip) || mismatches.some((m) => m.nameserver === ip && m.source.startsWith("logs"))) continue;
        mismatches.push({ source: `logs of ${f.workload.ref.kind} ${f.workload.ref.namespace}/${f.workload.ref.name}`, nameserver: ip });
        mismatchEvidence.push(s.evidence);
      }
    }
  }
  values["dns.kubeletClusterDNS"] = dns.kubelet?.clusterDNS ?? [];
  values["dns.kubeletResolvConf"] = dns.kubelet?.resolvConf ?? "";
  values["dns.clusterDnsMismatches"] = mismatches.slice(0, 10);
  evidence["dns.clusterDnsMismatches"] = [...mismatchEvidence.slice(0, 4), ...(evidence["dns.service"] ?? [])];
  if (cm && dns.kubelet) {
    evidence["dns.kubeletClusterDNS"] = [model.evidence(cm, "data.kubelet", `line ${dns.kubelet.lines.clusterDNS ?? "?"}: clusterDNS: [${dns.kubelet.clusterDNS.join(", ")}]`)];
    evidence["dns.kubeletResolvConf"] = [model.evidence(cm, "data.kubelet", dns.kubelet.resolvConfSet ? `line ${dns.kubelet.lines.resolvConf ?? "?"}: resolvConf: ${dns.kubelet.resolvConf}` : "resolvConf not set: the kubelet default /etc/resolv.conf applies")];
  }
  const loop = forwardLoop(model, dns, answers);
  values["dns.forwardLoopPath"] = loop.path;
  evidence["dns.forwardLoopPath"] = loop.evidence;
  const upstream = upstreamServers(model, dns);
  values["dns.upstreamServers"] = upstream.servers;
  evidence["dns.upstreamServers"] = upstream.evidence;
}

/**
 * nodes/<node>/resolv.conf is the file a host-network pod sees (the collector's
 * default: the kubelet's resolvConf, what CoreDNS reads) or, with --node-debug,
 * the node's own /etc/resolv.conf. Returns the files of the DNS pods' nodes
 * (all collected ones when theirs were not) that are what CoreDNS reads:
 * - with the kubelet's resolvConf at /etc/resolv.conf, both readings agree;
 * - otherwise a file naming a loopback stub is the node's /etc/resolv.conf
 *   (systemd-resolved's stub), not the kubelet's file, and is left out;
 * - a kubelet-written pod resolv.conf (a ClusterFirstWithHostNet agent) is never it.
 */
/** The kubelet hands dnsPolicy Default pods the file its resolvConf names. */
function kubeletReadsEtcResolvConf(dns: ClusterDns): boolean {
  return dns.kubelet !== undefined && dns.kubelet.resolvConf === "/etc/resolv.conf";
}

function corednsResolvConfs(model: ClusterModel, dns: ClusterDns): { node: string; conf: ResolvConf }[] {
  const all = [...model.nodeFiles].flatMap(([node, files]) => (files.has("resolv.conf") ? [{ node, conf: parseResolvConf(files.get("resolv.conf")!) }] : []));
  const dnsNodes = new Set(dns.pods.map((p) => p.spec.nodeName));
  const onDnsNodes = all.filter((f) => dnsNodes.has(f.node));
  return (onDnsNodes.length > 0 ? onDnsNodes : all).filter(({ conf }) => {
    if (isKubeletPodResolvConf(conf)) return false;
    return kubeletReadsEtcResolvConf(dns) || !conf.nameservers.some((n) => isLoopbackAddress(n.address));
  });
}

function forwardLoop(model: ClusterModel, dns: ClusterDns, answers: (ip: string) => boolean): { path: string; evidence: Evidence[] } {
  const a = dns.corefile?.analysis;
  const forward = a?.forward.find((f) => f.blockIndex === a.mainBlockIndex && f.from === ".");
  if (!a || !forward) return { path: "", evidence: [] };
  const at = corefileLine(model, dns, { line: forward.line, text: `forward to ${forward.to.map((t) => t.raw).join(" ")}` });
  for (const t of forward.to) {
    if (t.kind === "address" && t.host && t.loopback) return { path: `forward . ${t.raw} (Corefile line ${forward.line}) sends queries to the CoreDNS pod itself`, evidence: [at] };
    if (t.kind === "address" && t.host && answers(t.host)) return { path: `forward . ${t.raw} (Corefile line ${forward.line}) is cluster DNS itself`, evidence: [at, ...(dns.service ? [model.evidence(dns.service, "spec.clusterIP", `clusterIP ${dns.serviceIPs.join(", ")}`)] : [])] };
    if (t.kind !== "resolv-conf" || t.path !== "/etc/resolv.conf") continue;
    const clusterFirst = dns.pods.find((p) => getsKubeletNameserver(p));
    if (clusterFirst) {
      return { path: `forward . /etc/resolv.conf (Corefile line ${forward.line}) in pods with dnsPolicy ${clusterFirst.spec.dnsPolicy ?? "ClusterFirst"}: their resolv.conf names cluster DNS (${dns.kubelet?.clusterDNS.join(", ") || dns.serviceIPs.join(", ")}) itself`, evidence: [at, model.evidence(clusterFirst, "spec.dnsPolicy", `${clusterFirst.metadata.name}: dnsPolicy ${clusterFirst.spec.dnsPolicy ?? "ClusterFirst"}`)] };
    }
    if (!kubeletReadsEtcResolvConf(dns)) continue;
    const stubs = corednsResolvConfs(model, dns).flatMap(({ node, conf }) => conf.nameservers.filter((n) => isLoopbackAddress(n.address)).map((n) => ({ node, ...n })));
    if (stubs.length === 0) continue;
    const nodes = [...new Set(stubs.map((s) => s.node))];
    const cm = kubeletConfigMap(model, dns);
    return {
      path: `forward . /etc/resolv.conf (Corefile line ${forward.line}) → kubelet resolvConf ${dns.kubelet!.resolvConf} → nameserver ${stubs[0]!.address} on ${nodes.slice(0, 5).join(", ")}${nodes.length > 5 ? ` and ${nodes.length - 5} more` : ""}`,
      evidence: [
        at,
        ...(cm ? [model.evidence(cm, "data.kubelet", dns.kubelet!.resolvConfSet ? `line ${dns.kubelet!.lines.resolvConf ?? "?"}: resolvConf: ${dns.kubelet!.resolvConf}` : "resolvConf not set: the kubelet default /etc/resolv.conf applies")] : []),
        ...stubs.slice(0, 2).map((s) => ({ file: `nodes/${s.node}/resolv.conf`, line: s.line, excerpt: `nameserver ${s.address}` })),
      ],
    };
  }
  return { path: "", evidence: [] };
}

function upstreamServers(model: ClusterModel, dns: ClusterDns): { servers: string[]; evidence: Evidence[] } {
  const a = dns.corefile?.analysis;
  const forward = a?.forward.find((f) => f.blockIndex === a.mainBlockIndex && f.from === ".");
  if (!forward) return { servers: [], evidence: [] };
  const servers: string[] = [];
  const evidence: Evidence[] = [];
  for (const t of forward.to) {
    if (t.kind === "address" && t.host) servers.push(t.port && t.port !== 53 ? `${t.host}:${t.port}` : t.host);
    else if (t.path === "/etc/resolv.conf" && !dns.pods.some(getsKubeletNameserver)) {
      for (const { node, conf } of corednsResolvConfs(model, dns)) {
        for (const n of conf.nameservers) {
          if (servers.includes(n.address)) continue;
          servers.push(n.address);
          if (evidence.length < 3) evidence.push({ file: `nodes/${node}/resolv.conf`, line: n.line, excerpt: `nameserver ${n.address}` });
        }
      }
    }
  }
  return { servers, evidence };
}

// ---------------------------------------------------------------- clients

function clientFacts(model: ClusterModel, values: Record<string, unknown>, evidence: Record<string, Evidence[]>): void {
  const failures = clientFailures(model);
  const refs = (list: ClientFailures[]) => list.map((f) => f.workload.ref);
  const samples = (list: ClientFailures[]) => list.flatMap((f) => f.evidence.slice(0, 1)).slice(0, 3);
  const cluster = failures.filter((f) => f.failsClusterNames);
  const external = failures.filter((f) => f.failsExternalNames);
  values["dns.clientsWithResolutionErrors"] = refs(failures);
  values["dns.clientsFailingClusterNames"] = refs(cluster);
  values["dns.clientsFailingExternalNames"] = refs(external);
  evidence["dns.clientsWithResolutionErrors"] = samples(failures);
  evidence["dns.clientsFailingClusterNames"] = samples(cluster);
  evidence["dns.clientsFailingExternalNames"] = samples(external);
}

// ---------------------------------------------------------------- workloads

const KUBELET_DEFAULT_NDOTS = 5;

function ndotsOf(p: Pod): number {
  if (!usesClusterDnsPolicy(p)) return -1;
  const option = p.spec.dnsConfig?.options?.find((o) => o.name === "ndots");
  if (option?.value !== undefined && /^\d{1,2}$/.test(option.value)) return Math.min(15, Number(option.value));
  return KUBELET_DEFAULT_NDOTS;
}

/** CoreDNS `log` plugin query lines grouped by the workload whose pod IP sent them. */
function searchExpansionByWorkload(model: ClusterModel): Map<WorkloadGroup, { queries: number; names: string[]; evidence: Evidence[] }> {
  const dns = clusterDns(model);
  const lines = new Map<WorkloadGroup, { lines: string[]; evidence: Evidence[] }>();
  for (const log of dns.logs) {
    log.lines.forEach((line, i) => {
      const q = parseQueryLogLine(line);
      if (!q) return;
      const pod = model.podByIP(stripPort(q.client));
      if (!pod) return;
      const w = model.workloadOf(pod);
      let entry = lines.get(w);
      if (!entry) lines.set(w, (entry = { lines: [], evidence: [] }));
      entry.lines.push(line);
      if (q.rcode === "NXDOMAIN" && entry.evidence.length < 3) entry.evidence.push({ file: log.path, line: i + 1, excerpt: clip(line) });
    });
  }
  const out = new Map<WorkloadGroup, { queries: number; names: string[]; evidence: Evidence[] }>();
  for (const [w, entry] of lines) {
    const s = summarizeQueryLog(entry.lines, { clusterDomain: dns.clusterDomain });
    out.set(w, { queries: s.searchExpansion.externalExpansionQueries, names: s.searchExpansion.names.filter((n) => n.external).map((n) => n.base).slice(0, 10), evidence: entry.evidence });
  }
  return out;
}

function workloadSubject(model: ClusterModel, group: WorkloadGroup, failures: ClientFailures | undefined, expansion: { queries: number; names: string[]; evidence: Evidence[] } | undefined): SubjectFacts {
  const pod = group.pods[0];
  const ndots = pod ? ndotsOf(pod) : -1;
  const values: Record<string, unknown> = {
    "dns.usesClusterDns": ndots >= 0,
    "dns.ndots": ndots,
    "dns.resolutionFailureLines": failures?.lines ?? 0,
    "dns.resolutionFailureKinds": failures?.kinds ?? [],
    "dns.failedNames": failures?.hosts ?? [],
    "dns.externalSearchExpansion": { queries: expansion?.queries ?? 0, names: expansion?.names ?? [] },
  };
  const evidence: Record<string, Evidence[]> = {
    "dns.resolutionFailureLines": failures?.evidence ?? [],
    "dns.externalSearchExpansion": expansion?.evidence ?? [],
  };
  if (pod) {
    const dnsEvidence = model.evidence(pod, "spec.dnsPolicy", `${pod.metadata.name}: dnsPolicy ${pod.spec.dnsPolicy ?? "ClusterFirst"}${pod.spec.dnsConfig?.options?.length ? `, dnsConfig options ${pod.spec.dnsConfig.options.map((o) => `${o.name}${o.value !== undefined ? `:${o.value}` : ""}`).join(" ")}` : ", no dnsConfig ndots (kubelet default ndots:5)"}`);
    evidence["dns.ndots"] = [dnsEvidence];
    evidence["dns.usesClusterDns"] = [dnsEvidence];
  }
  return { kind: "Workload", subject: group.ref, values, evidence };
}

// ---------------------------------------------------------------- NetworkPolicy paths to CoreDNS

function workloadRefs(model: ClusterModel, pods: readonly PodRef[]): ObjectRef[] {
  const refs = new Map<string, ObjectRef>();
  for (const r of pods) {
    const pod = model.podsInNamespace(r.namespace).find((p) => p.metadata.name === r.name);
    if (!pod) continue;
    const w = model.workloadOf(pod).ref;
    refs.set(`${w.kind}/${w.namespace}/${w.name}`, w);
  }
  return [...refs.values()];
}

/** Evidence for a policy: its rules, read as the evaluator reads them. */
function policyEvidence(model: ClusterModel, ref: PolicyRef, direction: "ingress" | "egress"): Evidence | undefined {
  const policy = model.resources.networkpolicies.find((p) => p.metadata.name === ref.name && (p.metadata.namespace ?? "default") === ref.namespace);
  if (!policy) return undefined;
  const rules = (direction === "egress" ? policy.spec.egress : policy.spec.ingress) ?? [];
  const peers = (r: { to?: NetworkPolicyPeer[] | null; from?: NetworkPolicyPeer[] | null }) => (direction === "egress" ? r.to : r.from) ?? [];
  const described = rules.map((r, i) => `${direction}[${i}]: ${peers(r).map((p) => describePeer(p, ref.namespace)).join(" OR ") || "all peers"}; ${describePorts(r.ports)}`);
  return model.evidence(policy, `spec.${direction}`, `${formatPolicy(ref)} (podSelector ${selectorToString(policy.spec.podSelector) || "{}"}, policyTypes ${(policy.spec.policyTypes ?? []).join(",") || "default"}): ${described.join(" | ") || `no ${direction} rule`}`);
}

function podEvidence(model: ClusterModel, refs: readonly PodRef[], why: string): Evidence[] {
  return refs.slice(0, 2).flatMap((r) => {
    const pod = model.podsInNamespace(r.namespace).find((p) => p.metadata.name === r.name);
    return pod ? [model.evidence(pod, "metadata.labels", `${r.namespace}/${r.name} (labels ${selectorToString(pod.metadata.labels)}): ${why}`)] : [];
  });
}

function ingressPolicyFacts(model: ClusterModel, values: Record<string, unknown>, evidence: Record<string, Evidence[]>): void {
  const block = dnsPolicyGaps(model).ingress;
  values["dns.ingressBlockedProtocols"] = block.protocols;
  values["dns.ingressBlockedNamespaces"] = [...new Set(block.pods.map((p) => p.namespace))];
  values["dns.ingressBlockedWorkloads"] = workloadRefs(model, block.pods);
  values["dns.ingressBlockedPods"] = block.pods.length;
  values["dns.dnsIngressPolicies"] = block.policies.map(formatPolicy);
  evidence["dns.ingressBlockedProtocols"] = [
    ...block.policies.slice(0, 3).flatMap((p) => policyEvidence(model, p, "ingress") ?? []),
    ...podEvidence(model, block.pods, `not admitted by CoreDNS's ingress on ${block.protocols.join("/")} 53`),
  ];
  evidence["dns.ingressBlockedWorkloads"] = evidence["dns.ingressBlockedProtocols"];
}

function* namespaceSubjects(model: ClusterModel): Iterable<SubjectFacts> {
  const gaps = dnsPolicyGaps(model).egress;
  const failures = clientFailures(model);
  const names = new Set([...model.resources.namespaces.map((n) => n.metadata.name), ...gaps.keys()]);
  for (const ns of names) {
    const block = gaps.get(ns) ?? { protocols: [], pods: [], policies: [] };
    const workloads = workloadRefs(model, block.pods);
    const failing = failures.filter((f) => f.workload.ref.namespace === ns);
    const namespace = model.namespace(ns);
    yield {
      kind: "Namespace",
      subject: { kind: "Namespace", name: ns },
      values: {
        "dns.egressBlockedProtocols": block.protocols,
        "dns.egressBlockedWorkloads": workloads,
        "dns.egressBlockedPods": block.pods.length,
        "dns.egressPoliciesWithoutDns": block.policies.map(formatPolicy),
        "dns.clientsFailing": failing.map((f) => f.workload.ref),
      },
      evidence: {
        "dns.egressBlockedProtocols": [
          ...block.policies.slice(0, 3).flatMap((p) => policyEvidence(model, p, "egress") ?? []),
          ...podEvidence(model, block.pods, `egress-isolated with no rule to CoreDNS on ${block.protocols.join("/")} 53`),
        ],
        "dns.clientsFailing": failing.flatMap((f) => f.evidence.slice(0, 1)).slice(0, 3),
        ...(namespace ? { "dns.egressBlockedWorkloads": [model.evidence(namespace, "metadata.labels", `namespace ${ns}`)] } : {}),
      },
      scope: [...workloads, ...block.pods.map((p) => ({ kind: "Pod", namespace: p.namespace, name: p.name }))],
    };
  }
}
