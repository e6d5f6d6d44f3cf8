/**
 * kube-proxy's configuration: a KubeProxyConfiguration document (kubeadm's
 * kube-system/kube-proxy ConfigMap key `config.conf`, EKS's `kube-proxy-config`
 * key `config`) or, without a config file, the container's command-line
 * flags (kube-proxy ignores most flags once `--config` is given).
 *
 *   mode: ""            → iptables on Linux (the default)
 *   clusterCIDR: ""     → with detectLocalMode ClusterCIDR (the default) kube-proxy
 *                         cannot tell pod traffic from the rest
 */
import { parse } from "yaml";

export type ProxyMode = "iptables" | "ipvs" | "nftables" | "kernelspace";

export interface KubeProxyConfig {
  /** As written ("" when unset). */
  modeRaw: string;
  /** What kube-proxy runs on Linux: "" means iptables. */
  mode: ProxyMode | "unknown";
  clusterCIDRs: string[];
  detectLocalMode: string;
  masqueradeAll: boolean;
  conntrack: { maxPerCore?: number | null; min?: number | null; tcpEstablishedTimeout?: string | null; tcpCloseWaitTimeout?: string | null };
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function normaliseMode(raw: string): ProxyMode | "unknown" {
  const m = raw.trim().toLowerCase();
  if (m === "" || m === "iptables") return "iptables";
  if (m === "ipvs" || m === "nftables" || m === "kernelspace") return m;
  return "unknown";
}

/** True for a YAML/JSON document that is a KubeProxyConfiguration. */
export function isKubeProxyConfiguration(text: string): boolean {
  return /^kind:\s*KubeProxyConfiguration\s*$/m.test(text) || /"kind"\s*:\s*"KubeProxyConfiguration"/.test(text);
}

/** Parses a KubeProxyConfiguration; undefined when the text is not one (or not valid YAML). */
export function parseKubeProxyConfiguration(text: string): KubeProxyConfig | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = asRecord(parse(text, { maxAliasCount: 0 }));
  } catch {
    return undefined;
  }
  if (doc.kind !== "KubeProxyConfiguration") return undefined;
  const modeRaw = asString(doc.mode) ?? "";
  const conntrack = asRecord(doc.conntrack);
  const num = (v: unknown) => (typeof v === "number" ? v : v === null ? null : undefined);
  const str = (v: unknown) => (typeof v === "string" ? v : v === null ? null : undefined);
  return {
    modeRaw,
    mode: normaliseMode(modeRaw),
    clusterCIDRs: splitCidrs(asString(doc.clusterCIDR) ?? ""),
    detectLocalMode: asString(doc.detectLocalMode) || "ClusterCIDR",
    masqueradeAll: asRecord(doc.iptables).masqueradeAll === true || asRecord(doc.ipvs).masqueradeAll === true,
    conntrack: { maxPerCore: num(conntrack.maxPerCore), min: num(conntrack.min), tcpEstablishedTimeout: str(conntrack.tcpEstablishedTimeout), tcpCloseWaitTimeout: str(conntrack.tcpCloseWaitTimeout) },
  };
}

function splitCidrs(value: string): string[] {
  return value.split(",").map((c) => c.trim()).filter((c) => c !== "");
}

/** `--proxy-mode=ipvs`, `--cluster-cidr 10.0.0.0/8`, `--masquerade-all`… from a container's command and args. */
export function kubeProxyFlags(argv: readonly string[]): { mode?: string; clusterCIDR?: string; masqueradeAll?: boolean; detectLocalMode?: string; config?: string } {
  const out: ReturnType<typeof kubeProxyFlags> = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith("--")) continue;
    const eq = word.indexOf("=");
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    const next = argv[i + 1];
    const value = eq === -1 ? (next !== undefined && !next.startsWith("--") ? next : undefined) : word.slice(eq + 1);
    switch (name) {
      case "proxy-mode":
        if (value !== undefined) out.mode = value;
        break;
      case "cluster-cidr":
        if (value !== undefined) out.clusterCIDR = value;
        break;
      case "detect-local-mode":
        if (value !== undefined) out.detectLocalMode = value;
        break;
      case "config":
        if (value !== undefined) out.config = value;
        break;
      case "masquerade-all":
        out.masqueradeAll = value === undefined || value === "true";
        break;
    }
  }
  return out;
}

/** The config document when there is one (kube-proxy then ignores its flags), else the flags. */
export function configOrFlags(config: KubeProxyConfig | undefined, flags: ReturnType<typeof kubeProxyFlags>): KubeProxyConfig | undefined {
  if (config) return config;
  if (Object.keys(flags).length === 0) return undefined;
  return {
    modeRaw: flags.mode ?? "",
    mode: normaliseMode(flags.mode ?? ""),
    clusterCIDRs: splitCidrs(flags.clusterCIDR ?? ""),
    detectLocalMode: flags.detectLocalMode ?? "ClusterCIDR",
    masqueradeAll: flags.masqueradeAll === true,
    conntrack: {},
  };
}
