/**
 * The DNS settings of a KubeletConfiguration, as kubeadm stores it in the
 * `kubelet` key of the kube-system/kubelet-config ConfigMap (named
 * kubelet-config-1.NN before kubeadm 1.24). kubelet writes these into every
 * pod's /etc/resolv.conf: `nameserver` ← clusterDNS, `search` ← the pod's
 * namespace under clusterDomain, and dnsPolicy Default pods get the node file
 * named by resolvConf.
 *
 * Defaults follow the kubelet (v1beta1 SetDefaults): resolvConf
 * "/etc/resolv.conf", clusterDNS empty. The kubelet has no default cluster
 * domain; kubeadm always writes one (networking.dnsDomain, "cluster.local"),
 * so an absent clusterDomain reads as "cluster.local" with clusterDomainSet
 * false. YAML is parsed with aliases refused (maxAliasCount 0) and duplicate
 * keys reported; nothing throws.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { yamlDepthProblem } from "../yaml-depth.js";

export interface KubeletConfigIssue {
  line?: number;
  message: string;
}

export interface KubeletDnsConfig {
  /** Nameserver IPs pods get (dual-stack clusters list one per family). */
  clusterDNS: string[];
  clusterDomain: string;
  clusterDomainSet: boolean;
  /** Node resolv.conf the kubelet hands to dnsPolicy Default pods; "" disables it. */
  resolvConf: string;
  resolvConfSet: boolean;
  kind?: string;
  apiVersion?: string;
  /** 1-based line of each field in the YAML text, for evidence. */
  lines: { clusterDNS?: number; clusterDomain?: number; resolvConf?: number };
  /** Problems that make the settings unusable or suspicious; empty when all is well. */
  issues: KubeletConfigIssue[];
}

export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";
export const DEFAULT_RESOLV_CONF = "/etc/resolv.conf";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:]+(:(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})?$/i;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function isIpAddress(s: string): boolean {
  return IPV4.test(s) || (s.includes(":") && IPV6.test(s) && s.split("::").length <= 2);
}

function emptyConfig(): KubeletDnsConfig {
  return {
    clusterDNS: [],
    clusterDomain: DEFAULT_CLUSTER_DOMAIN,
    clusterDomainSet: false,
    resolvConf: DEFAULT_RESOLV_CONF,
    resolvConfSet: false,
    lines: {},
    issues: [],
  };
}

/** Parse the KubeletConfiguration YAML (the ConfigMap's `kubelet` value). */
export function parseKubeletConfig(yamlText: string): KubeletDnsConfig {
  const out = emptyConfig();
  if (typeof yamlText !== "string" || yamlText.trim() === "") {
    out.issues.push({ message: "empty kubelet configuration" });
    return out;
  }
  const tooDeep = yamlDepthProblem(yamlText);
  if (tooDeep) {
    out.issues.push({ message: `kubelet configuration rejected: ${tooDeep}` });
    return out;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: true, uniqueKeys: true, logLevel: "error" });
  for (const e of doc.errors) out.issues.push({ line: e.linePos?.[0]?.line, message: e.message.split("\n")[0]! });
  if (doc.errors.length > 0) return out;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    out.issues.push({ message: `kubelet configuration rejected: ${(e as Error).message}` });
    return out;
  }
  if (!isPlainObject(value)) {
    out.issues.push({ line: 1, message: "kubelet configuration is not a YAML mapping" });
    return out;
  }
  const lineOf = (key: string) => keyLine(doc, lineCounter, key);
  readHeader(out, value, lineOf);
  readClusterDNS(out, value.clusterDNS, lineOf("clusterDNS"));
  readClusterDomain(out, value.clusterDomain, lineOf("clusterDomain"));
  readResolvConf(out, value.resolvConf, lineOf("resolvConf"));
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function keyLine(doc: Document, lineCounter: LineCounter, key: string): number | undefined {
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === key);
  const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

function readHeader(out: KubeletDnsConfig, v: Record<string, unknown>, lineOf: (k: string) => number | undefined): void {
  if (typeof v.kind === "string") out.kind = v.kind;
  if (typeof v.apiVersion === "string") out.apiVersion = v.apiVersion;
  if (out.kind !== undefined && out.kind !== "KubeletConfiguration") {
    out.issues.push({ line: lineOf("kind"), message: `kind is ${out.kind}, not KubeletConfiguration` });
  }
}

function readClusterDNS(out: KubeletDnsConfig, v: unknown, line: number | undefined): void {
  if (line !== undefined) out.lines.clusterDNS = line;
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) {
    out.issues.push({ line, message: "clusterDNS must be a list of IP addresses" });
    return;
  }
  for (const entry of v) {
    const ip = typeof entry === "string" ? entry.trim() : String(entry);
    if (typeof entry === "string" && isIpAddress(ip)) out.clusterDNS.push(ip);
    else out.issues.push({ line, message: `clusterDNS entry '${ip}' is not an IP address (kubelet rejects the configuration)` });
  }
}

function readClusterDomain(out: KubeletDnsConfig, v: unknown, line: number | undefined): void {
  if (line !== undefined) out.lines.clusterDomain = line;
  if (v === undefined || v === null || v === "") return;
  if (typeof v !== "string") {
    out.issues.push({ line, message: "clusterDomain must be a string" });
    return;
  }
  const domain = v.trim().toLowerCase().replace(/\.+$/, "");
  out.clusterDomain = domain;
  out.clusterDomainSet = true;
  if (!DNS_NAME.test(domain)) out.issues.push({ line, message: `clusterDomain '${v}' is not a valid DNS name` });
}

function readResolvConf(out: KubeletDnsConfig, v: unknown, line: number | undefined): void {
  if (line !== undefined) out.lines.resolvConf = line;
  if (v === undefined || v === null) return;
  if (typeof v !== "string") {
    out.issues.push({ line, message: "resolvConf must be a file path" });
    return;
  }
  out.resolvConf = v;
  out.resolvConfSet = true;
}

export interface ConfigMapLike {
  metadata?: { name?: unknown; namespace?: unknown };
  data?: Record<string, unknown>;
}

/**
 * The kubelet ConfigMap among kube-system ConfigMaps: `kubelet-config`
 * (kubeadm ≥ 1.24), else the newest `kubelet-config-1.NN`.
 */
export function findKubeletConfigMap(items: readonly unknown[]): { name: string; kubelet: string } | undefined {
  const candidates: { name: string; kubelet: string; minor: number }[] = [];
  for (const item of Array.isArray(items) ? items : []) {
    if (!isPlainObject(item)) continue;
    const cm = item as ConfigMapLike;
    const name = cm.metadata?.name;
    const kubelet = cm.data?.kubelet;
    if (typeof name !== "string" || typeof kubelet !== "string" || cm.metadata?.namespace !== "kube-system") continue;
    const versioned = /^kubelet-config-1\.(\d+)$/.exec(name);
    if (name === "kubelet-config") candidates.push({ name, kubelet, minor: Number.POSITIVE_INFINITY });
    else if (versioned) candidates.push({ name, kubelet, minor: Number(versioned[1]) });
  }
  const best = candidates.sort((a, b) => b.minor - a.minor)[0];
  return best && { name: best.name, kubelet: best.kubelet };
}

/** findKubeletConfigMap + parseKubeletConfig; undefined when no such ConfigMap was collected. */
export function kubeletDnsFromConfigMaps(items: readonly unknown[]): (KubeletDnsConfig & { configMap: string }) | undefined {
  const found = findKubeletConfigMap(items);
  return found && { ...parseKubeletConfig(found.kubelet), configMap: found.name };
}
