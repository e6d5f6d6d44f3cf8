/**
 * What a parsed resolv.conf means for cluster DNS: whether a nameserver is a
 * resolver on the node itself, and whether the file is one the kubelet wrote
 * for a ClusterFirst pod (then its nameservers are the kubelet's clusterDNS).
 */
import type { ResolvConf } from "../../model/parsers/resolv-conf.js";

/** 127.0.0.0/8 and ::1: a resolver on the node itself (systemd-resolved 127.0.0.53, dnsmasq 127.0.1.1…). */
export function isLoopbackAddress(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === "::1";
}

/**
 * A pod resolv.conf that the kubelet wrote for dnsPolicy ClusterFirst: its
 * search list starts with `<namespace>.svc.<cluster domain>` followed by
 * `svc.<cluster domain>`.
 */
export function isKubeletPodResolvConf(conf: Pick<ResolvConf, "search">): { namespace: string; clusterDomain: string } | undefined {
  const [first, second] = conf.search;
  if (!first || !second) return undefined;
  const m = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\.svc\.(.+?)\.?$/.exec(first.toLowerCase());
  if (!m) return undefined;
  const clusterDomain = m[3]!;
  return second.toLowerCase().replace(/\.$/, "") === `svc.${clusterDomain}` ? { namespace: m[1]!, clusterDomain } : undefined;
}
