/**
 * Who calls a Service, as far as a snapshot can tell: pods whose environment
 * names it (`ORDERS_API=http://api.shop.svc.cluster.local/v1`), pods whose
 * logs mention it, and pods a server's sidecar refused (`filter_chain_not_found`
 * lines carry the client's address). Names count as Kubernetes DNS resolves
 * them: `name.ns`, `name.ns.svc`, `name.ns.svc.<domain>` from anywhere, the
 * bare `name` only from the Service's own namespace (and only as a URL host
 * or before a port, where a bare word is a host), and the ClusterIPs.
 *
 * Each candidate pod's environment and logs are tokenised once and the
 * tokens looked up in an index of all Services, so the cost is linear in the
 * size of the logs whatever the number of Services.
 */
import { looksLikeIPv4 } from "../../model/cidr.js";
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

const svcKey = (s: Service) => `${s.metadata.namespace ?? "default"}/${s.metadata.name}`;

export interface ServiceLookup {
  byKey: ReadonlyMap<string, Service>;
  byClusterIP: ReadonlyMap<string, Service>;
  domain: string;
}

export function serviceLookup(services: readonly Service[], domain: string): ServiceLookup {
  const selectable = services.filter((s) => s.spec.type !== "ExternalName");
  const byClusterIP = new Map<string, Service>();
  for (const s of selectable) for (const ip of [s.spec.clusterIP, ...(s.spec.clusterIPs ?? [])]) if (ip && ip !== "None") byClusterIP.set(ip, s);
  return { byKey: new Map(selectable.map((s) => [svcKey(s), s])), byClusterIP, domain: domain.toLowerCase() };
}

// Dotted names (labels of letters, digits, dashes) and IPv4 addresses; bare words only as a URL host or before a port.
const DOTTED = /(?<![A-Za-z0-9.-])([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,6})\.?(?![A-Za-z0-9-])/g;
const BARE = /(?:\/\/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?![A-Za-z0-9.-])|(?<![A-Za-z0-9.:/-])([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?):\d{1,5}(?!\d))/g;

/** The Services a piece of text names, as seen from a pod of `fromNamespace`. */
export function servicesNamed(text: string, fromNamespace: string, lookup: ServiceLookup): Service[] {
  const found = new Map<string, Service>();
  for (const m of text.matchAll(DOTTED)) {
    const token = m[1]!.toLowerCase();
    if (looksLikeIPv4(token)) {
      const s = lookup.byClusterIP.get(token);
      if (s) found.set(svcKey(s), s);
      continue;
    }
    const [name, ns, ...rest] = token.split(".");
    const suffix = rest.join(".");
    if (suffix !== "" && suffix !== "svc" && suffix !== `svc.${lookup.domain}`) continue;
    const s = lookup.byKey.get(`${ns}/${name}`);
    if (s) found.set(svcKey(s), s);
  }
  for (const m of text.matchAll(BARE)) {
    const s = lookup.byKey.get(`${fromNamespace}/${m[1] ?? m[2]}`);
    if (s) found.set(svcKey(s), s);
  }
  return [...found.values()];
}

/** The log files of a pod's own containers (a sidecar's access log names every Service it routes to). */
function appLogs(model: ClusterModel, pod: Pod): LogFile[] {
  return model.logs.filter((l) => l.namespace === (pod.metadata.namespace ?? "default") && l.pod === pod.metadata.name && l.container !== "istio-proxy" && l.container !== "linkerd-proxy");
}

/** Service key → the first place the pod names it: an env variable, else a log line. */
export function serviceReferences(model: ClusterModel, pod: Pod, lookup: ServiceLookup): Map<string, Consumer> {
  const ns = pod.metadata.namespace ?? "default";
  const refs = new Map<string, Consumer>();
  const add = (services: Service[], via: ConsumerSource, evidence: () => Evidence) => {
    for (const s of services) if (!refs.has(svcKey(s))) refs.set(svcKey(s), { pod, via, evidence: evidence() });
  };
  const lists = [["containers", pod.spec.containers], ["initContainers", pod.spec.initContainers ?? []]] as const;
  for (const [field, containers] of lists) {
    containers.forEach((c, ci) => {
      (c.env ?? []).forEach((e, ei) => {
        if (typeof e.value !== "string" || e.value === "") return;
        add(servicesNamed(e.value, ns, lookup), "env", () => model.evidence(pod, `spec.${field}[${ci}].env[${ei}]`, `${pod.metadata.name} ${c.name}: ${e.name}=${e.value}`));
      });
    });
  }
  for (const f of appLogs(model, pod)) {
    f.lines.forEach((line, i) => add(servicesNamed(line, ns, lookup), "logs", () => ({ file: f.path, line: i + 1, excerpt: clip(line) })));
  }
  return refs;
}

const REJECTED: SignalDefinition[] = meshSignals.filter((s) => s.id === "mesh.plaintext-rejected");

/** Connections the servers' sidecars refused for want of a matching (mTLS) filter chain: client pods by address, with the lines. */
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
        const key = client ? `${client.metadata.namespace ?? "default"}/${client.metadata.name}` : "";
        if (client && !clients.has(key)) clients.set(key, { pod: client, via: "refused-by-server", evidence });
      });
    }
  }
  return { clients: [...clients.values()], lines, samples };
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
