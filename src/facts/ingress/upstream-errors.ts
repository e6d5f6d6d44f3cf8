/**
 * What ingress controllers and gateway data planes log about the Services
 * behind them: a Service without an active endpoint or not found, an upstream
 * address refusing or timing out, 502/503/504 answers naming the upstream.
 * These lines are symptoms; the cause is the backend (a selector typo, no
 * ready pod, a wrong port…), so each line is tied to the Service it concerns:
 *
 * - by name: ingress-nginx `Service "ns/name" …`, its access-log upstream
 *   `[<namespace>-<service>-<port>]` (decoded against the Services that
 *   exist), Traefik's `namespace=… serviceName=…`, Istio's Envoy cluster
 *   `outbound|80||<service>.<namespace>.svc.cluster.local`;
 * - by address: nginx error-log `upstream: "http://10.244.1.5:8080/"` is a
 *   backend pod IP (or the ClusterIP with service-upstream), matched per
 *   Service against its pods and ClusterIP.
 * One pass over the controller logs per diagnosis (memoised by the caller).
 */
import type { Pod, Service } from "../../model/k8s.js";
import type { LogFile } from "../../model/model.js";
import { envoySignals } from "../../model/signals/envoy.js";
import { ingressNginxSignals } from "../../model/signals/ingress-nginx.js";
import type { SignalDefinition } from "../../model/signals/scan.js";
import { traefikSignals } from "../../model/signals/traefik.js";
import { clip, type Evidence } from "../../types/evidence.js";
import { serviceForNginxUpstream, serviceKey } from "./backends.js";
import { classifyControllerPod } from "./controllers.js";

/** The signals that say a backend failed, and the ones that say a TLS Secret is missing. */
const UPSTREAM_SIGNAL_IDS = new Set([
  "ingress-nginx.service-no-active-endpoints",
  "ingress-nginx.service-not-found",
  "ingress-nginx.upstream-connection-refused",
  "ingress-nginx.upstream-timeout",
  "ingress-nginx.access-502",
  "ingress-nginx.access-503",
  "ingress-nginx.access-504",
  "traefik.no-endpoints",
  "traefik.service-not-found",
  "envoy.no-healthy-upstream",
  "envoy.upstream-connection-failure",
]);
const SECRET_SIGNAL_IDS = new Set(["ingress-nginx.secret-not-found"]);

const DEFINITIONS: SignalDefinition[] = [...ingressNginxSignals, ...traefikSignals, ...envoySignals].filter(
  (d) => UPSTREAM_SIGNAL_IDS.has(d.id) || SECRET_SIGNAL_IDS.has(d.id),
);

/** At most this many attributed lines are kept: a flood of 503s says nothing more than the first thousands. */
const MAX_LINES = 5000;

export interface AttributedLine {
  signal: string;
  evidence: Evidence;
  /** `ns/name` of the Service the line names, when it names one. */
  service?: string;
  /** The upstream IP the line names, when it names an address. */
  address?: string;
  /** `ns/name` of the TLS Secret the line names. */
  secret?: string;
}

/** Labels Gateway API implementations put on the data-plane pods they run for a Gateway. */
const GATEWAY_POD_LABELS = ["gateway.networking.k8s.io/gateway-name", "gateway.envoyproxy.io/owning-gateway-name", "istio.io/gateway-name"];

/** Pods that proxy external traffic: ingress controllers and Gateway data planes. */
export function isEdgeProxyPod(pod: Pod): boolean {
  return classifyControllerPod(pod) !== undefined || GATEWAY_POD_LABELS.some((l) => pod.metadata.labels[l] !== undefined);
}

function stripPort(hostPort: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(hostPort);
  if (bracketed) return bracketed[1]!;
  const parts = hostPort.split(":");
  return parts.length === 2 ? parts[0]! : hostPort;
}

/** `outbound|80||web.shop.svc.cluster.local` → `shop/web`. */
function serviceOfEnvoyCluster(cluster: string): string | undefined {
  const host = cluster.split("|")[3];
  const m = host ? /^([a-z0-9][-a-z0-9]*)\.([a-z0-9][-a-z0-9]*)\.svc(?:\.|$)/.exec(host) : null;
  return m ? serviceKey(m[2]!, m[1]!) : undefined;
}

function attribute(id: string, g: Record<string, string | undefined>, services: ReadonlyMap<string, Service>): Omit<AttributedLine, "signal" | "evidence"> {
  if (SECRET_SIGNAL_IDS.has(id)) return g.secret ? { secret: g.secret } : {};
  if (id.startsWith("ingress-nginx.access-")) {
    const decoded = g.upstream ? serviceForNginxUpstream(g.upstream, services) : undefined;
    if (decoded) return { service: serviceKey(decoded.service.namespace!, decoded.service.name) };
    return g.upstreamAddr && g.upstreamAddr !== "-" ? { address: stripPort(g.upstreamAddr) } : {};
  }
  if (id === "ingress-nginx.upstream-connection-refused" || id === "ingress-nginx.upstream-timeout") {
    return g.upstream ? { address: stripPort(g.upstream) } : {};
  }
  if (id.startsWith("envoy.")) {
    const svc = g.cluster ? serviceOfEnvoyCluster(g.cluster) : undefined;
    return svc ? { service: svc } : {};
  }
  if (id === "traefik.service-not-found" && g.ref) return { service: g.ref };
  const name = g.service ?? g.name;
  return g.namespace && name ? { service: serviceKey(g.namespace, name) } : {};
}

/** Every line of the given (edge proxy) logs that names a failing backend or a missing TLS Secret. */
export function attributeEdgeLogLines(logs: readonly LogFile[], services: ReadonlyMap<string, Service>): AttributedLine[] {
  const out: AttributedLine[] = [];
  for (const log of logs) {
    for (let i = 0; i < log.lines.length && out.length < MAX_LINES; i++) {
      const text = log.lines[i]!;
      for (const def of DEFINITIONS) {
        if (!text.includes(def.contains)) continue;
        const m = def.pattern.exec(text);
        if (!m) continue;
        const target = attribute(def.id, m.groups ?? {}, services);
        if (target.service || target.address || target.secret) {
          out.push({ signal: def.id, evidence: { file: log.path, line: i + 1, excerpt: clip(text) }, ...target });
          break;
        }
      }
    }
  }
  return out;
}

export interface UpstreamErrors {
  lines: number;
  /** `signal ×count`, most frequent first. */
  signals: string[];
  /** `ns/name` of the Services the lines concern. */
  services: string[];
  samples: Evidence[];
}

/** The attributed lines about some Services (by name, or by one of their addresses). */
export function upstreamErrorsFor(lines: readonly AttributedLine[], targets: ReadonlyMap<string, ReadonlySet<string>>): UpstreamErrors {
  const counts = new Map<string, number>();
  const services = new Set<string>();
  const samples: Evidence[] = [];
  let n = 0;
  for (const l of lines) {
    if (!UPSTREAM_SIGNAL_IDS.has(l.signal)) continue;
    let hit: string | undefined;
    if (l.service && targets.has(l.service)) hit = l.service;
    else if (l.address) for (const [svc, addrs] of targets) if (addrs.has(l.address)) hit = svc;
    if (!hit) continue;
    n++;
    services.add(hit);
    counts.set(l.signal, (counts.get(l.signal) ?? 0) + 1);
    if (samples.length < 3) samples.push(l.evidence);
  }
  const signals = [...counts].sort((a, b) => b[1] - a[1]).map(([s, c]) => `${s} ×${c}`);
  return { lines: n, signals, services: [...services], samples };
}
