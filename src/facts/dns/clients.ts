/**
 * Name-resolution failures as the clients of cluster DNS log them: every pod
 * log except the DNS pods' own, scanned once with DNS_CLIENT_SIGNALS and
 * grouped by workload. Each failed name is classified as a cluster name
 * (under the cluster domain, `.svc`, a short name, or `<service>.<namespace>`
 * of a namespace that exists) or an external one, because the two fail for
 * different reasons (CoreDNS itself vs its upstream).
 */
import { clip, type Evidence } from "../../types/evidence.js";
import type { ClusterModel, WorkloadGroup } from "../../model/model.js";
import type { Pod } from "../../model/k8s.js";
import { DNS_CLIENT_SIGNALS, dnsClientFailureKind, type DnsClientFailureKind } from "../../model/signals/coredns.js";
import { isIpAddress } from "../../model/parsers/kubelet-config.js";
import { clusterDns } from "./cluster-dns.js";

export type FailureKind = DnsClientFailureKind;

export interface ClientFailures {
  workload: WorkloadGroup;
  lines: number;
  kinds: FailureKind[];
  /** Names that failed to resolve, as logged (at most MAX_LISTED). */
  hosts: string[];
  failsClusterNames: boolean;
  failsExternalNames: boolean;
  /** `ip:port` of the nameservers Go clients name, with where they said it. */
  servers: { server: string; pod: Pod; evidence: Evidence }[];
  evidence: Evidence[];
}

const MAX_LISTED = 10;
const MAX_EVIDENCE = 3;
const KIND_ORDER: FailureKind[] = ["unreachable", "failed", "not-found"];

/** Whether a failed name is a cluster name: what CoreDNS answers itself rather than forwarding. */
export function isClusterName(host: string, clusterDomain: string, namespaces: ReadonlySet<string>): boolean | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (h === "" || isIpAddress(h)) return undefined;
  const labels = h.split(".");
  if (labels.length === 1) return true; // a short name only resolves through the pod's search list
  if (h === clusterDomain || h.endsWith(`.${clusterDomain}`) || labels.includes("svc")) return true;
  return labels.length === 2 && namespaces.has(labels[1]!);
}

export function clientFailures(model: ClusterModel): ClientFailures[] {
  return model.memo("dns:clients", () => {
    const dns = clusterDns(model);
    const dnsPods = new Set(dns.pods);
    const namespaces = new Set(model.resources.namespaces.map((n) => n.metadata.name));
    const byWorkload = new Map<WorkloadGroup, ClientFailures>();
    for (const log of model.logs) {
      const pod = model.podsInNamespace(log.namespace).find((p) => p.metadata.name === log.pod);
      if (!pod || dnsPods.has(pod)) continue;
      const workload = model.workloadOf(pod);
      log.lines.forEach((line, i) => {
        const match = matchLine(line);
        if (!match) return;
        let f = byWorkload.get(workload);
        if (!f) byWorkload.set(workload, (f = { workload, lines: 0, kinds: [], hosts: [], failsClusterNames: false, failsExternalNames: false, servers: [], evidence: [] }));
        const evidence: Evidence = { file: log.path, line: i + 1, excerpt: clip(line) };
        f.lines++;
        if (!f.kinds.includes(match.kind)) f.kinds.push(match.kind);
        if (f.evidence.length < MAX_EVIDENCE) f.evidence.push(evidence);
        if (match.host) {
          if (!f.hosts.includes(match.host) && f.hosts.length < MAX_LISTED) f.hosts.push(match.host);
          const cluster = isClusterName(match.host, dns.clusterDomain, namespaces);
          if (cluster === true) f.failsClusterNames = true;
          if (cluster === false) f.failsExternalNames = true;
        }
        if (match.server && f.servers.length < MAX_LISTED && !f.servers.some((s) => s.server === match.server && s.pod === pod)) f.servers.push({ server: match.server, pod, evidence });
      });
    }
    for (const f of byWorkload.values()) f.kinds.sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
    return [...byWorkload.values()];
  });
}

/** The most telling DNS client failure on a line: its kind, the name and the nameserver when printed. */
function matchLine(line: string): { kind: FailureKind; host?: string; server?: string } | undefined {
  let best: { kind: FailureKind; host?: string; server?: string } | undefined;
  for (const def of DNS_CLIENT_SIGNALS) {
    if (!line.includes(def.contains)) continue;
    const m = def.pattern.exec(line);
    if (!m) continue;
    const kind = dnsClientFailureKind(def.id, m.groups);
    const found: { kind: FailureKind; host?: string; server?: string } = { kind };
    if (m.groups?.host) found.host = m.groups.host;
    if (m.groups?.server) found.server = m.groups.server;
    if (!best || KIND_ORDER.indexOf(kind) < KIND_ORDER.indexOf(best.kind)) best = { ...best, ...found };
    else best = { ...found, ...best };
  }
  return best;
}
