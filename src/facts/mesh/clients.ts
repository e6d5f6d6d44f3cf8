/**
 * Who calls a Service, as far as a snapshot can tell: pods whose environment
 * names it (`REVIEWS_URL=http://reviews.bookinfo:9080`), pods whose logs
 * mention it, and pods a server's sidecar refused (`filter_chain_not_found`
 * lines carry the client's address). Names count as Kubernetes DNS resolves
 * them: `name.ns`, `name.ns.svc`, `name.ns.svc.<domain>` from anywhere, the
 * bare `name` only from the Service's own namespace (and only in a URL or
 * before a port, where a bare word is a host), and the ClusterIPs.
 */
import type { Pod, Service } from "../../model/k8s.js";
import type { ClusterModel, LogFile } from "../../model/model.js";
import { meshSignals } from "../../model/signals/mesh.js";
import { envoySignals } from "../../model/signals/envoy.js";
import { scanLines, type SignalDefinition } from "../../model/signals/scan.js";
import { clip, type Evidence } from "../../types/evidence.js";

export type ConsumerSource = "env" | "logs" | "refused-by-server";

export interface Consumer {
  pod: Pod;
  via: ConsumerSource;
  evidence: Evidence;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Matchers for the names of one Service, from inside and outside its namespace. */
export interface ServiceNameMatcher {
  /** From any namespace: name.ns[.svc[.domain]] and the ClusterIPs. */
  anywhere: RegExp;
  /** From the Service's namespace: also the bare name as a URL host or before a port. */
  sameNamespace: RegExp;
}

export function serviceNameMatcher(svc: Service, domain: string): ServiceNameMatcher {
  const name = escape(svc.metadata.name);
  const ns = escape(svc.metadata.namespace ?? "default");
  const qualified = String.raw`(?<![A-Za-z0-9.-])${name}\.${ns}(?:\.svc(?:\.${escape(domain)})?)?\.?(?![A-Za-z0-9-]|\.[A-Za-z0-9])`;
  const ips = [svc.spec.clusterIP, ...(svc.spec.clusterIPs ?? [])].filter((ip): ip is string => !!ip && ip !== "None");
  const ipAlternatives = [...new Set(ips)].map((ip) => String.raw`(?<![\d.])${escape(ip)}(?![\d])`);
  const anywhere = [qualified, ...ipAlternatives].join("|");
  const bare = String.raw`://${name}(?![A-Za-z0-9.-])|(?<![A-Za-z0-9.-])${name}:\d{1,5}(?!\d)`;
  return { anywhere: new RegExp(anywhere), sameNamespace: new RegExp(`${anywhere}|${bare}`) };
}

function mentions(text: string, matcher: ServiceNameMatcher, svcNamespace: string, fromNamespace: string): boolean {
  return (fromNamespace === svcNamespace ? matcher.sameNamespace : matcher.anywhere).test(text);
}

function envReference(model: ClusterModel, pod: Pod, matcher: ServiceNameMatcher, svcNamespace: string): Evidence | undefined {
  const ns = pod.metadata.namespace ?? "default";
  const lists: ["containers" | "initContainers", typeof pod.spec.containers][] = [["containers", pod.spec.containers], ["initContainers", pod.spec.initContainers ?? []]];
  for (const [field, containers] of lists) {
    for (const [ci, c] of containers.entries()) {
      for (const [ei, e] of (c.env ?? []).entries()) {
        if (typeof e.value === "string" && mentions(e.value, matcher, svcNamespace, ns)) {
          return model.evidence(pod, `spec.${field}[${ci}].env[${ei}]`, `${pod.metadata.name} ${c.name}: ${e.name}=${e.value}`);
        }
      }
    }
  }
  return undefined;
}

/** The log files of a pod's own containers (the sidecar's access log would name every Service it routes to). */
function appLogs(model: ClusterModel, pod: Pod): LogFile[] {
  return model.logs.filter((l) => l.namespace === (pod.metadata.namespace ?? "default") && l.pod === pod.metadata.name && l.container !== "istio-proxy" && l.container !== "linkerd-proxy");
}

function logReference(model: ClusterModel, pod: Pod, matcher: ServiceNameMatcher, svcNamespace: string): Evidence | undefined {
  const ns = pod.metadata.namespace ?? "default";
  for (const f of appLogs(model, pod)) {
    const i = f.lines.findIndex((l) => mentions(l, matcher, svcNamespace, ns));
    if (i >= 0) return { file: f.path, line: i + 1, excerpt: clip(f.lines[i]!) };
  }
  return undefined;
}

const REJECTED: SignalDefinition[] = meshSignals.filter((s) => s.id === "mesh.plaintext-rejected");

/** Connections a server's sidecar refused for want of a matching (mTLS) filter chain: client pods by address, with the lines. */
export function refusedByServer(model: ClusterModel, servers: readonly Pod[]): { clients: Consumer[]; lines: number; samples: Evidence[] } {
  const clients = new Map<string, Consumer>();
  let lines = 0;
  const samples: Evidence[] = [];
  for (const server of servers) {
    const logs = model.logs.filter((l) => l.namespace === (server.metadata.namespace ?? "default") && l.pod === server.metadata.name && l.container === "istio-proxy");
    for (const f of logs) {
      f.lines.forEach((line, i) => {
        if (!line.includes("filter_chain_not_found")) return;
        const hit = scanLines(f.path, [line], REJECTED).get("mesh.plaintext-rejected");
        if (!hit) return;
        lines++;
        const evidence = { file: f.path, line: i + 1, excerpt: clip(line) };
        if (samples.length < 3) samples.push(evidence);
        const client = model.podByIP(hit.captures["remote"] ?? "");
        if (client && !clients.has(`${client.metadata.namespace}/${client.metadata.name}`)) clients.set(`${client.metadata.namespace}/${client.metadata.name}`, { pod: client, via: "refused-by-server", evidence });
      });
    }
  }
  return { clients: [...clients.values()], lines, samples };
}

/**
 * Pods that call the Service according to their environment or logs, and
 * those its backends' sidecars refused. The backends themselves are not
 * their own clients.
 */
export function consumersOf(model: ClusterModel, svc: Service, backends: readonly Pod[], candidates: readonly Pod[], domain: string): Consumer[] {
  const svcNs = svc.metadata.namespace ?? "default";
  const matcher = serviceNameMatcher(svc, domain);
  const backendKeys = new Set(backends.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
  const found = new Map<string, Consumer>();
  for (const c of refusedByServer(model, backends).clients) found.set(`${c.pod.metadata.namespace}/${c.pod.metadata.name}`, c);
  for (const pod of candidates) {
    const key = `${pod.metadata.namespace ?? "default"}/${pod.metadata.name}`;
    if (backendKeys.has(key) || found.has(key)) continue;
    const env = envReference(model, pod, matcher, svcNs);
    if (env) {
      found.set(key, { pod, via: "env", evidence: env });
      continue;
    }
    const log = logReference(model, pod, matcher, svcNs);
    if (log) found.set(key, { pod, via: "logs", evidence: log });
  }
  return [...found.values()];
}

const RESET_SIGNALS: SignalDefinition[] = [...meshSignals.filter((s) => s.id.startsWith("client.")), ...envoySignals.filter((s) => s.id === "envoy.upstream-reset")];

/** Lines of a client's own logs saying its connection was reset. */
export function resetLines(model: ClusterModel, pod: Pod): { count: number; samples: Evidence[] } {
  let count = 0;
  const samples: Evidence[] = [];
  for (const f of appLogs(model, pod)) {
    for (const s of scanLines(f.path, f.lines, RESET_SIGNALS).values()) {
      count += s.count;
      for (const e of s.samples) if (samples.length < 3) samples.push(e);
    }
  }
  return { count, samples };
}
