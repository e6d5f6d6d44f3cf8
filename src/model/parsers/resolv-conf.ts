/**
 * resolv.conf(5) as glibc reads it: `nameserver`, `search` (or the older
 * `domain`, the last of the two wins), `options` (ndots:N, timeout:N,
 * attempts:N, edns0, …). Comments start with `#` or `;`. glibc uses at most
 * three nameservers (MAXNS) and six search domains in older releases; we keep
 * everything listed and let callers decide. Nothing throws; input is bounded.
 *
 * Used for nodes/<node>/resolv.conf (the node's /etc/resolv.conf) and for
 * probes that print a pod's /etc/resolv.conf.
 */
import { isIpAddress } from "./kubelet-config.js";

export interface ResolvConf {
  /** Nameserver addresses in order, with their 1-based lines. */
  nameservers: { address: string; line: number }[];
  search: string[];
  searchLine?: number;
  /** Options as written: `ndots:5` → { ndots: "5" }, `edns0` → { edns0: "" }. */
  options: Record<string, string>;
  /** ndots as glibc applies it (default 1, capped at 15). */
  ndots: number;
}

const MAX_LINES = 1000;
const MAX_NDOTS = 15;

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], options: {}, ndots: 1 };
  if (typeof text !== "string") return out;
  const lines = text.split(/\r?\n/, MAX_LINES);
  lines.forEach((raw, i) => {
    const line = raw.replace(/[#;].*$/, "").trim();
    const [keyword, ...args] = line.split(/\s+/);
    switch (keyword) {
      case "nameserver":
        // A scoped IPv6 address (fe80::1%eth0) is valid for glibc: keep it whole.
        if (args[0] && isIpAddress(args[0].replace(/%.*$/, ""))) out.nameservers.push({ address: args[0], line: i + 1 });
        break;
      case "search":
      case "domain":
        out.search = keyword === "domain" ? args.slice(0, 1) : args;
        out.searchLine = i + 1;
        break;
      case "options":
        for (const opt of args) {
          const [name, value = ""] = opt.split(":", 2);
          if (name) out.options[name] = value;
        }
        break;
      default:
        break;
    }
  });
  const ndots = out.options.ndots;
  if (ndots !== undefined && /^\d{1,3}$/.test(ndots)) out.ndots = Math.min(MAX_NDOTS, Number(ndots));
  return out;
}

/** 127.0.0.0/8 and ::1: a resolver on the node itself (systemd-resolved 127.0.0.53, dnsmasq 127.0.1.1…). */
export function isLoopbackAddress(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === "::1";
}

/**
 * A pod resolv.conf that the kubelet wrote for dnsPolicy ClusterFirst: its
 * search list starts with `<namespace>.svc.<cluster domain>` followed by
 * `svc.<cluster domain>`. Its nameservers are then the kubelet's clusterDNS.
 */
export function isKubeletPodResolvConf(conf: ResolvConf): { namespace: string; clusterDomain: string } | undefined {
  const [first, second] = conf.search;
  if (!first || !second) return undefined;
  const m = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\.svc\.(.+?)\.?$/.exec(first.toLowerCase());
  if (!m) return undefined;
  const clusterDomain = m[3]!;
  return second.toLowerCase().replace(/\.$/, "") === `svc.${clusterDomain}` ? { namespace: m[1]!, clusterDomain } : undefined;
}
