/**
 * Workload layer facts: the health of the pods behind Services, grouped by
 * their top-level controller (Deployment, StatefulSet, DaemonSet, Job…, or a
 * bare Pod). Subject: every workload that has pods in the snapshot.
 */
import { z } from "zod";
import { clip, type Evidence, type ObjectRef } from "../types/evidence.js";
import type { ClusterModel, LogFile, WorkloadGroup } from "../model/model.js";
import type { Container, Pod, Service } from "../model/k8s.js";
import { matchesServiceSelector } from "../model/selectors.js";
import { allContainerStatuses, declaredPorts, isPodReady, isPodTerminal, podRef, servingContainers } from "../model/pods.js";
import { declareFacts } from "./define.js";
import { ObjectRefList, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";

const PODS = ["resources/pods.json"];
const PODS_SVCS = ["resources/pods.json", "resources/services.json"];

const PodProblem = z.object({ pod: z.string(), container: z.string(), detail: z.string() });
type PodProblem = z.infer<typeof PodProblem>;

const facts = declareFacts("workload", "Workload", PODS, {
  namespace: { description: "The workload's namespace.", shape: z.string(), example: "shop" },
  name: { description: "The controller's name (the pod's name for a bare pod).", shape: z.string(), example: "web" },
  labels: { description: "Labels of the workload's pods (from the first pod).", shape: z.record(z.string(), z.string()), example: { app: "web" } },
  kind: { description: "Controller kind: Deployment, StatefulSet, DaemonSet, Job, ReplicaSet, or Pod for a bare pod.", shape: z.string(), example: "Deployment" },
  services: { description: "Services whose selector matches any of the workload's pods.", shape: ObjectRefList, example: [{ kind: "Service", namespace: "shop", name: "web" }], requires: PODS_SVCS },
  isServing: { description: "At least one Service selects the workload's pods.", shape: z.boolean(), example: true, requires: PODS_SVCS },
  podCount: { description: "Non-terminal pods.", shape: z.number(), example: 3 },
  readyPodCount: { description: "Ready pods.", shape: z.number(), example: 3 },
  crashLooping: { description: "Containers in CrashLoopBackOff or restarting repeatedly (≥ 5 restarts), with the last exit reason.", shape: z.array(PodProblem), example: [{ pod: "web-7d4b9c-x2k4q", container: "web", detail: "CrashLoopBackOff, 12 restarts, last exit: Error (code 1)" }] },
  readinessFailing: { description: "Running containers that are not ready (readiness probe failing), with the probe failure message from events when present.", shape: z.array(PodProblem), example: [{ pod: "web-7d4b9c-x2k4q", container: "web", detail: "Readiness probe failed: HTTP probe failed with statuscode: 503" }] },
  oomKilled: { description: "Containers whose current or last termination was OOMKilled.", shape: z.array(PodProblem), example: [{ pod: "web-7d4b9c-x2k4q", container: "web", detail: "OOMKilled, 3 restarts" }] },
  evictedPods: { description: "Pods evicted by the kubelet (phase Failed, reason Evicted).", shape: StringList, example: ["web-7d4b9c-abcde"] },
  containersWithoutReadinessProbe: { description: "Serving containers (declaring ports) without a readinessProbe.", shape: StringList, example: ["web"] },
  lacksGracefulShutdown: { description: "No container has a preStop hook and the grace period is under 5 s, so in-flight requests fail during rollouts.", shape: z.boolean(), example: false },
  proxyEnvProblems: { description: "HTTP(S)_PROXY set without NO_PROXY covering in-cluster names, or a malformed proxy URL.", shape: z.array(PodProblem), example: [{ pod: "api-5f9c7-q8n2m", container: "api", detail: "HTTPS_PROXY set but NO_PROXY does not cover .svc or .cluster.local" }] },
  hostNetworkWithoutClusterDns: { description: "hostNetwork pods whose dnsPolicy is not ClusterFirstWithHostNet (they resolve with the node's resolver and cannot find cluster names).", shape: StringList, example: ["log-shipper-x7k2p"] },
  callsClusterNames: { description: "The pods use cluster DNS names: an env value or argument names a .svc/.cluster.local host, or their logs show name-resolution failures.", shape: z.boolean(), example: true, requires: ["resources/pods.json"] },
  isSystemComponent: { description: "Runs in a cluster-infrastructure namespace (kube-*, CNI and operator namespaces), where hostNetwork and IP-based access are the norm.", shape: z.boolean(), example: false },
  nodes: { description: "Nodes the workload's pods run on.", shape: ObjectRefList, example: [{ kind: "Node", name: "node-1" }] },
});

export const workloadFacts: FactBuilder = {
  layer: "workload",
  facts,
  *build(model) {
    for (const group of model.workloads()) yield workloadSubject(model, group);
  },
};

/** Services that can select pods (not ExternalName), by namespace: computed once, not once per workload. */
function selectingServicesByNamespace(model: ClusterModel): Map<string, Service[]> {
  return model.memo("workload.servicesByNamespace", () => {
    const byNs = new Map<string, Service[]>();
    for (const s of model.resources.services) {
      if (s.spec.type === "ExternalName") continue;
      const ns = s.metadata.namespace ?? "default";
      const list = byNs.get(ns);
      if (list) list.push(s);
      else byNs.set(ns, [s]);
    }
    return byNs;
  });
}

/** Log files by namespace and pod name, so a workload reads only its own pods' logs. */
function logsByPod(model: ClusterModel): Map<string, LogFile[]> {
  return model.memo("workload.logsByPod", () => {
    const byPod = new Map<string, LogFile[]>();
    for (const log of model.logs) {
      const key = `${log.namespace}/${log.pod}`;
      const list = byPod.get(key);
      if (list) list.push(log);
      else byPod.set(key, [log]);
    }
    return byPod;
  });
}

function workloadSubject(model: ClusterModel, group: WorkloadGroup): SubjectFacts {
  const live = group.pods.filter((p) => !isPodTerminal(p));
  const services = (selectingServicesByNamespace(model).get(group.ref.namespace) ?? []).filter((s) => live.some((p) => matchesServiceSelector(s.spec.selector, p.metadata.labels)));
  const serviceRefs: ObjectRef[] = services.map((s) => ({ kind: "Service", namespace: group.ref.namespace, name: s.metadata.name }));
  const nodes = [...new Set(group.pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))].map((name) => ({ kind: "Node", name }));
  const evidence: Record<string, Evidence[]> = {};
  const problems = (find: (pod: Pod) => PodProblem[], fact: string, subpath: string): PodProblem[] => {
    const found: PodProblem[] = [];
    for (const pod of live) {
      const list = find(pod);
      if (list.length > 0) (evidence[fact] ??= []).length < 3 && evidence[fact]!.push(model.evidence(pod, subpath, `${pod.metadata.name}: ${list[0]!.detail}`));
      found.push(...list);
    }
    return found;
  };
  const crash = problems(crashLoops, "workload.crashLooping", "status.containerStatuses");
  const crashingPods = new Set(crash.map((c) => c.pod));
  const readiness = problems((p) => (crashingPods.has(p.metadata.name) ? [] : readinessFailures(model, p)), "workload.readinessFailing", "status.conditions");
  const oom = problems(oomKills, "workload.oomKilled", "status.containerStatuses");
  // Pods of one workload share their template: the first pod speaks for all.
  const proxy = live[0] ? proxyEnvProblems(live[0]) : [];
  if (live[0] && proxy.length > 0) evidence["workload.proxyEnvProblems"] = [model.evidence(live[0], "spec.containers", `${live[0].metadata.name}: ${proxy[0]!.detail}`)];
  const evicted = group.pods.filter((p) => p.status.phase === "Failed" && p.status.reason === "Evicted");
  evidence["workload.evictedPods"] = evicted.slice(0, 3).map((p) => model.evidence(p, "status", `${p.metadata.name}: Evicted: ${p.status.message ?? ""}`));
  for (const fact of ["workload.crashLooping", "workload.readinessFailing", "workload.oomKilled", "workload.evictedPods"]) {
    evidence[fact] = [...(evidence[fact] ?? []), ...warningEvents(model, group, fact)];
  }
  const hostNet = live.filter((p) => p.spec.hostNetwork && p.spec.dnsPolicy !== "ClusterFirstWithHostNet" && p.spec.dnsPolicy !== "None");
  evidence["workload.hostNetworkWithoutClusterDns"] = hostNet.slice(0, 3).map((p) => model.evidence(p, "spec.dnsPolicy", `${p.metadata.name}: hostNetwork: true, dnsPolicy: ${p.spec.dnsPolicy ?? "ClusterFirst"}`));
  const sample = live[0];
  const values: Record<string, unknown> = {
    "workload.namespace": group.ref.namespace,
    "workload.name": group.ref.name,
    "workload.labels": group.pods[0]?.metadata.labels ?? {},
    "workload.kind": group.ref.kind,
    "workload.services": serviceRefs,
    "workload.isServing": serviceRefs.length > 0,
    "workload.podCount": live.length,
    "workload.readyPodCount": live.filter(isPodReady).length,
    "workload.crashLooping": crash,
    "workload.readinessFailing": readiness,
    "workload.oomKilled": oom,
    "workload.evictedPods": evicted.map((p) => p.metadata.name),
    "workload.containersWithoutReadinessProbe": sample ? servingContainers(sample).filter((c) => (c.ports ?? []).length > 0 && !c.readinessProbe).map((c) => c.name) : [],
    "workload.lacksGracefulShutdown": sample ? lacksGracefulShutdown(sample) : false,
    "workload.proxyEnvProblems": proxy,
    "workload.hostNetworkWithoutClusterDns": hostNet.map((p) => p.metadata.name),
    "workload.isSystemComponent": isSystemNamespace(group.ref.namespace),
    "workload.callsClusterNames": false,
    "workload.nodes": nodes,
  };
  const clusterNames = clusterNameUse(model, group);
  values["workload.callsClusterNames"] = clusterNames.length > 0;
  evidence["workload.callsClusterNames"] = clusterNames;
  if (sample) {
    evidence["workload.containersWithoutReadinessProbe"] = [model.evidence(sample, "spec.containers", `${sample.metadata.name}: containers ${servingContainers(sample).map((c) => c.name).join(", ")} declare ${declaredPorts(sample).length} ports`)];
    evidence["workload.lacksGracefulShutdown"] = [model.evidence(sample, "spec.terminationGracePeriodSeconds", `terminationGracePeriodSeconds: ${sample.spec.terminationGracePeriodSeconds ?? 30}`)];
  }
  return { kind: "Workload", subject: group.ref, values, evidence, scope: [...serviceRefs, ...nodes, ...group.pods.map(podRef)] };
}

const CLUSTER_NAME = /[a-z0-9-]\.svc(\.|\b)|\.cluster\.local\b/;
const RESOLUTION_FAILURE = /no such host|Could not resolve host|Name or service not known|Temporary failure in name resolution|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|UnknownHostException|NXDOMAIN/;

/** Evidence that the workload needs cluster DNS: cluster names in its spec, or resolution failures in its logs. */
function clusterNameUse(model: ClusterModel, group: WorkloadGroup): Evidence[] {
  const found: Evidence[] = [];
  const pod = group.pods[0];
  if (pod) {
    for (const c of servingContainers(pod)) {
      const texts = [...(c.env ?? []).map((e) => `${e.name}=${e.value ?? ""}`), ...(c.args ?? []), ...(c.command ?? [])];
      const hit = texts.find((t) => CLUSTER_NAME.test(t));
      if (hit) found.push(model.evidence(pod, "spec.containers", `${c.name}: ${hit}`));
    }
  }
  // Logs in snapshot order (sorted by path), as a scan of model.logs would meet them.
  const logs = group.pods.flatMap((p) => logsByPod(model).get(`${group.ref.namespace}/${p.metadata.name}`) ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const log of logs) {
    const i = log.lines.findIndex((l) => RESOLUTION_FAILURE.test(l));
    if (i >= 0) found.push({ file: log.path, line: i + 1, excerpt: clip(log.lines[i]!) });
  }
  return found.slice(0, 3);
}

const SYSTEM_NAMESPACES = /^(kube-.*|calico-system|calico-apiserver|tigera-operator|cilium|cilium-.*|weave|metallb-system|cert-manager)$/;

function isSystemNamespace(ns: string): boolean {
  return SYSTEM_NAMESPACES.test(ns);
}

const RESTART_LOOP = 5;

function crashLoops(pod: Pod): PodProblem[] {
  return allContainerStatuses(pod)
    .filter((s) => s.state?.waiting?.reason === "CrashLoopBackOff" || (s.restartCount ?? 0) >= RESTART_LOOP && s.ready !== true)
    .map((s) => {
      const last = s.lastState?.terminated;
      const exit = last ? `, last exit: ${last.reason ?? "?"}${last.exitCode !== undefined ? ` (code ${last.exitCode})` : ""}` : "";
      return { pod: pod.metadata.name, container: s.name, detail: `${s.state?.waiting?.reason ?? "restarting"}, ${s.restartCount ?? 0} restarts${exit}` };
    });
}

function readinessFailures(model: ClusterModel, pod: Pod): PodProblem[] {
  if (pod.status.phase !== "Running" || isPodReady(pod) || pod.metadata.deletionTimestamp) return [];
  const probeEvent = model
    .eventsFor("Pod", pod.metadata.namespace, pod.metadata.name)
    .find((e) => e.reason === "Unhealthy" && /readiness probe/i.test(e.message ?? ""));
  return (pod.status.containerStatuses ?? [])
    .filter((s) => s.state?.running && s.ready === false)
    .map((s) => ({ pod: pod.metadata.name, container: s.name, detail: probeEvent?.message ?? "running but not ready" }));
}

function oomKills(pod: Pod): PodProblem[] {
  return allContainerStatuses(pod)
    .filter((s) => s.lastState?.terminated?.reason === "OOMKilled" || s.state?.terminated?.reason === "OOMKilled")
    .map((s) => ({ pod: pod.metadata.name, container: s.name, detail: `OOMKilled, ${s.restartCount ?? 0} restarts` }));
}

function warningEvents(model: ClusterModel, group: WorkloadGroup, fact: string): Evidence[] {
  const reasons: Record<string, RegExp> = {
    "workload.crashLooping": /^BackOff$/,
    "workload.readinessFailing": /^Unhealthy$/,
    "workload.oomKilled": /^(OOMKilling|BackOff)$/,
    "workload.evictedPods": /^Evicted$/,
  };
  const wanted = reasons[fact]!;
  const out: Evidence[] = [];
  for (const pod of group.pods) {
    for (const e of model.eventsFor("Pod", pod.metadata.namespace, pod.metadata.name)) {
      if (e.type === "Warning" && wanted.test(e.reason ?? "") && out.length < 2) out.push(model.evidence(e, undefined, `${e.reason}: ${e.message ?? ""}`));
    }
  }
  return out;
}

function lacksGracefulShutdown(pod: Pod): boolean {
  const hasPreStop = servingContainers(pod).some((c) => c.lifecycle?.preStop);
  return !hasPreStop && (pod.spec.terminationGracePeriodSeconds ?? 30) < 5;
}

const PROXY_VARS = ["HTTP_PROXY", "HTTPS_PROXY"];
const IN_CLUSTER_SUFFIXES = [".svc", ".cluster.local"];

function proxyEnvProblems(pod: Pod): PodProblem[] {
  return servingContainers(pod).flatMap((c) => containerProxyProblems(pod, c));
}

function containerProxyProblems(pod: Pod, c: Container): PodProblem[] {
  const env = new Map((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name.toUpperCase(), e.value!]));
  const set = PROXY_VARS.filter((v) => env.get(v));
  if (set.length === 0) return [];
  const out: PodProblem[] = [];
  const problem = (detail: string) => out.push({ pod: pod.metadata.name, container: c.name, detail });
  for (const v of set) {
    const url = env.get(v)!;
    if (!isProxyUrl(url)) problem(`${v}=${url} is not a valid proxy URL (expected http://host:port)`);
  }
  const noProxy = (env.get("NO_PROXY") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (noProxy.length === 0) problem(`${set.join("/")} set without NO_PROXY: in-cluster calls go through the proxy`);
  else {
    const missing = IN_CLUSTER_SUFFIXES.filter((suffix) => !noProxy.some((n) => n === suffix || n === suffix.slice(1) || `.${n.replace(/^\*?\.?/, "")}` === suffix));
    if (missing.length > 0) problem(`${set.join("/")} set but NO_PROXY does not cover ${missing.join(" or ")}`);
  }
  return out;
}

function isProxyUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return ["http:", "https:", "socks5:", "socks5h:"].includes(u.protocol) && u.hostname !== "";
  } catch {
    return false;
  }
}
