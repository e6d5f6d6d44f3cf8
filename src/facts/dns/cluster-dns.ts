/**
 * Where the cluster DNS lives in a snapshot: the DNS Service (kube-dns), the
 * CoreDNS (or legacy kube-dns) pods and their controller, the Corefile they
 * load, the kubelet's DNS settings and the logs of the DNS pods. Computed
 * once per diagnosis (model.memo) and shared by every DNS fact.
 *
 * Distributions name things differently: kubeadm, EKS, AKS, GKE and k3s use
 * the kube-system/kube-dns Service and pods labelled k8s-app=kube-dns; RKE2's
 * chart names the Service rke2-coredns-rke2-coredns (still k8s-app=kube-dns);
 * Helm installs of CoreDNS label app.kubernetes.io/name=coredns. The Service
 * the kubelet's clusterDNS points at wins when it exists.
 */
import type { ClusterModel, LogFile, WorkloadGroup } from "../../model/model.js";
import type { ConfigMap, Pod, Service } from "../../model/k8s.js";
import { matchesServiceSelector } from "../../model/selectors.js";
import { isPodReady, isPodTerminal } from "../../model/pods.js";
import { podIPs } from "../../model/build.js";
import { analyzeCorefile, type CorefileAnalysis } from "../../model/parsers/corefile.js";
import { DEFAULT_CLUSTER_DOMAIN, kubeletDnsFromConfigMaps, type KubeletDnsConfig } from "../../model/parsers/kubelet-config.js";
import { mergeSignals, scanLines, type SignalSummary } from "../../model/signals/scan.js";
import { COREDNS_SIGNALS } from "../../model/signals/coredns.js";

export interface ClusterDns {
  /** The DNS Service pods are told to use (kube-system/kube-dns on most clusters). */
  service?: Service;
  /** Its ClusterIPs (both families on dual-stack clusters). */
  serviceIPs: string[];
  /** Non-terminal CoreDNS / kube-dns pods. */
  pods: Pod[];
  workloads: WorkloadGroup[];
  /** The container that runs the DNS server in each pod (coredns, kubedns…). */
  container: string | undefined;
  corefile?: { configMap: ConfigMap; text: string; analysis: CorefileAnalysis };
  /** From the image tag or the startup log line, e.g. "1.11.3". */
  version?: string;
  kubelet?: KubeletDnsConfig & { configMap: string };
  clusterDomain: string;
  /** Current and previous logs of the DNS pods. */
  logs: LogFile[];
  /** COREDNS_SIGNALS over those logs, merged across replicas. */
  signals: Map<string, SignalSummary>;
  /** NodeLocal DNSCache runs: pods may legitimately use its link-local address. */
  nodeLocalDns: boolean;
}

const DNS_LABELS: readonly (readonly [string, string])[] = [
  ["k8s-app", "kube-dns"],
  ["k8s-app", "coredns"],
  ["app.kubernetes.io/name", "coredns"],
  ["app.kubernetes.io/name", "rke2-coredns"],
];
const DNS_NAMESPACE = "kube-system";
const DNS_CONTAINERS = ["coredns", "kubedns", "dns"];

function hasDnsLabel(labels: Record<string, string>): boolean {
  return DNS_LABELS.some(([k, v]) => labels[k] === v);
}

export function serviceClusterIPs(svc: Service): string[] {
  const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== "None" && ip !== "");
}

function servesDnsPort(svc: Service): boolean {
  return (svc.spec.ports ?? []).some((p) => p.port === 53);
}

function findDnsService(model: ClusterModel, kubelet: KubeletDnsConfig | undefined): Service | undefined {
  const clusterDNS = new Set(kubelet?.clusterDNS ?? []);
  const candidates = model.resources.services.filter(servesDnsPort);
  return (
    candidates.find((s) => serviceClusterIPs(s).some((ip) => clusterDNS.has(ip))) ??
    model.service(DNS_NAMESPACE, "kube-dns") ??
    candidates.find((s) => (s.metadata.namespace ?? "default") === DNS_NAMESPACE && (hasDnsLabel(s.metadata.labels) || hasDnsLabel(s.spec.selector ?? {})))
  );
}

function findDnsPods(model: ClusterModel, service: Service | undefined): Pod[] {
  const found = new Set<Pod>();
  if (service?.spec.selector && Object.keys(service.spec.selector).length > 0) {
    for (const p of model.podsInNamespace(service.metadata.namespace ?? "default")) {
      if (matchesServiceSelector(service.spec.selector, p.metadata.labels)) found.add(p);
    }
  }
  for (const p of model.podsInNamespace(DNS_NAMESPACE)) if (hasDnsLabel(p.metadata.labels)) found.add(p);
  return [...found].filter((p) => !isPodTerminal(p));
}

/** The name of the container serving DNS: a well-known name, else the one with a coredns/kube-dns image, else the first. */
export function dnsContainerName(pod: Pod): string | undefined {
  const cs = pod.spec.containers;
  return (cs.find((c) => DNS_CONTAINERS.includes(c.name)) ?? cs.find((c) => /coredns|kube-dns/.test(c.image ?? "")) ?? cs[0])?.name;
}

/** The ConfigMap the DNS pods mount (volumes[].configMap), else kube-system/coredns, else one holding a Corefile. */
function findCorefileConfigMap(model: ClusterModel, pods: Pod[], namespace: string): ConfigMap | undefined {
  for (const p of pods) {
    const volumes = (p.spec as { volumes?: { configMap?: { name?: unknown } }[] }).volumes;
    for (const v of Array.isArray(volumes) ? volumes : []) {
      const name = v?.configMap?.name;
      const cm = typeof name === "string" ? model.configMap(namespace, name) : undefined;
      if (cm?.data?.Corefile !== undefined) return cm;
    }
  }
  const byName = model.configMap(namespace, "coredns");
  if (byName?.data?.Corefile !== undefined) return byName;
  return model.resources.configmaps.find((c) => (c.metadata.namespace ?? "default") === namespace && c.data?.Corefile !== undefined);
}

const VERSION_IN_TAG = /:v?(\d+\.\d+\.\d+)/;

function corednsVersion(pods: Pod[], container: string | undefined, signals: Map<string, SignalSummary>): string | undefined {
  for (const p of pods) {
    const image = p.spec.containers.find((c) => c.name === container)?.image ?? "";
    if (!/coredns/.test(image)) continue;
    const m = VERSION_IN_TAG.exec(image);
    if (m) return m[1];
  }
  return signals.get("coredns.version")?.captures.version;
}

function isNodeLocalDnsPod(p: Pod): boolean {
  return p.metadata.labels["k8s-app"] === "node-local-dns" || p.spec.containers.some((c) => /k8s-dns-node-cache/.test(c.image ?? ""));
}

export function clusterDns(model: ClusterModel): ClusterDns {
  return model.memo("dns:cluster", () => {
    const kubelet = kubeletDnsFromConfigMaps(model.resources.configmaps);
    const service = findDnsService(model, kubelet);
    const pods = findDnsPods(model, service);
    const container = pods[0] ? dnsContainerName(pods[0]) : undefined;
    // Only the DNS server's own container: a legacy kube-dns pod also runs dnsmasq and a sidecar.
    const serverContainer = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, dnsContainerName(p)]));
    const logs = model.logs.filter((l) => serverContainer.has(`${l.namespace}/${l.pod}`) && serverContainer.get(`${l.namespace}/${l.pod}`) === l.container);
    const signals = new Map<string, SignalSummary>();
    for (const log of logs) mergeSignals(signals, scanLines(log.path, log.lines, COREDNS_SIGNALS));
    const version = corednsVersion(pods, container, signals);
    const namespace = service?.metadata.namespace ?? pods[0]?.metadata.namespace ?? DNS_NAMESPACE;
    const cm = findCorefileConfigMap(model, pods, namespace);
    const workloads = [...new Map(pods.map((p) => model.workloadOf(p)).map((w) => [`${w.ref.kind}/${w.ref.namespace}/${w.ref.name}`, w])).values()];
    const dns: ClusterDns = {
      serviceIPs: service ? serviceClusterIPs(service) : [],
      pods,
      workloads,
      container,
      clusterDomain: kubelet?.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
      logs,
      signals,
      nodeLocalDns: model.resources.pods.some((p) => !isPodTerminal(p) && isNodeLocalDnsPod(p)),
    };
    if (service) dns.service = service;
    if (kubelet) dns.kubelet = kubelet;
    if (version) dns.version = version;
    if (cm?.data?.Corefile !== undefined) {
      const text = cm.data.Corefile;
      dns.corefile = { configMap: cm, text, analysis: analyzeCorefile(text, version ? { corednsVersion: version } : {}) };
    }
    return dns;
  });
}

/** Pod IPs of the DNS pods: a pod resolv.conf naming one of them still reaches cluster DNS. */
export function dnsPodIPs(dns: ClusterDns): string[] {
  return dns.pods.flatMap(podIPs);
}

export function readyDnsPods(dns: ClusterDns): Pod[] {
  return dns.pods.filter(isPodReady);
}
