/**
 * What kube-proxy should have programmed, from the cluster's Services and
 * EndpointSlices (Endpoints when slices were not collected), per Service port:
 *
 * - kube-proxy ignores headless and ExternalName Services, and Services
 *   labelled `service.kubernetes.io/service-proxy-name` (another proxy owns them);
 * - it programs ready endpoints; with none ready, serving-terminating ones;
 * - with internalTrafficPolicy: Local a node only gets its own endpoints;
 * - every endpoint listed in a slice (ready or not) is a legitimate DNAT
 *   target for a while (terminating endpoints linger), so only addresses no
 *   slice lists are stale;
 * - a Service created, or whose endpoints changed, just before the snapshot
 *   may not be synced yet (the node dumps are taken after the objects): such
 *   ports are not "settled" and are not judged.
 */
import { looksLikeIPv4 } from "../../model/cidr.js";
import type { EndpointSlice, Service } from "../../model/k8s.js";
import type { ClusterModel } from "../../model/model.js";
import type { Evidence } from "../../types/evidence.js";

export interface ExpectedEndpoint {
  ip: string;
  port: number;
  node?: string;
}

export interface ExpectedPort {
  /** `namespace/name:portName` (empty portName for an unnamed port), as kube-proxy names it. */
  key: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: "tcp" | "udp" | "sctp";
  /** IPv4 ClusterIP (node dumps here are the IPv4 tables). */
  clusterIP?: string;
  port: number;
  /** Ready IPv4 endpoints kube-proxy should DNAT to (serving-terminating ones when none is ready). */
  ready: ExpectedEndpoint[];
  /** `ip:port` of every endpoint any slice lists, in any condition or family. */
  known: Set<string>;
  internalLocal: boolean;
  /** Created and last changed long enough before the collection for every kube-proxy to have synced it. */
  settled: boolean;
  evidence: Evidence;
}

/** kube-proxy syncs within seconds (minSyncPeriod 1s); large clusters take longer. */
export const SYNC_GRACE_SECONDS = 120;

export interface ExpectedProxyState {
  ports: ExpectedPort[];
  byKey: Map<string, ExpectedPort>;
  /** `tcp/10.96.0.1:443` → port (IPVS has no names). */
  byFrontend: Map<string, ExpectedPort>;
  /** `namespace/name` of every Service in the snapshot (to tell rules of deleted Services). */
  services: Set<string>;
  /** ClusterIPs of Services kube-proxy should not program (headless excluded): their rules are not stale. */
  ignoredClusterIPs: Set<string>;
}

const PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";

function protocolOf(p: string | undefined): ExpectedPort["protocol"] {
  const v = (p ?? "TCP").toLowerCase();
  return v === "udp" || v === "sctp" ? v : "tcp";
}

export function frontendKey(protocol: string, ip: string, port: number): string {
  return `${protocol}/${ip}:${port}`;
}

/** kube-proxy handles this Service (a ClusterIP to program). */
export function proxied(svc: Service): boolean {
  if (svc.spec.type === "ExternalName") return false;
  if (!svc.spec.clusterIP || svc.spec.clusterIP === "None") return false;
  return !Object.hasOwn(svc.metadata.labels, PROXY_NAME_LABEL);
}

interface SliceEndpoint {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  node?: string;
  family: string;
}

function slicePortFor(slice: EndpointSlice, portName: string, protocol: string): number | undefined {
  const p = (slice.ports ?? []).find((sp) => (sp.name ?? "") === portName && protocolOf(sp.protocol) === protocol);
  return typeof p?.port === "number" ? p.port : undefined;
}

function fromSlices(slices: readonly EndpointSlice[], portName: string, protocol: string): SliceEndpoint[] {
  const out: SliceEndpoint[] = [];
  for (const slice of slices) {
    if (slice.addressType === "FQDN") continue;
    const port = slicePortFor(slice, portName, protocol);
    if (port === undefined) continue;
    for (const e of slice.endpoints ?? []) {
      // ready nil means ready; serving nil means "same as ready" (EndpointSlice API).
      const ready = e.conditions?.ready !== false && e.conditions?.terminating !== true;
      const serving = e.conditions?.serving ?? e.conditions?.ready !== false;
      for (const ip of e.addresses) out.push({ ip, port, ready, serving: serving !== false, ...(e.nodeName ? { node: e.nodeName } : {}), family: slice.addressType ?? "IPv4" });
    }
  }
  return out;
}

function fromEndpoints(model: ClusterModel, svc: Service, portName: string, protocol: string): SliceEndpoint[] {
  const eps = model.endpointsFor(svc.metadata.namespace ?? "default", svc.metadata.name);
  const out: SliceEndpoint[] = [];
  for (const subset of eps?.subsets ?? []) {
    const port = (subset.ports ?? []).find((p) => (p.name ?? "") === portName && protocolOf(p.protocol) === protocol)?.port;
    if (port === undefined) continue;
    for (const a of subset.addresses ?? []) out.push({ ip: a.ip, port, ready: true, serving: true, ...(a.nodeName ? { node: a.nodeName } : {}), family: a.ip.includes(":") ? "IPv6" : "IPv4" });
    for (const a of subset.notReadyAddresses ?? []) out.push({ ip: a.ip, port, ready: false, serving: false, ...(a.nodeName ? { node: a.nodeName } : {}), family: a.ip.includes(":") ? "IPv6" : "IPv4" });
  }
  return out;
}

export function expectedProxyState(model: ClusterModel): ExpectedProxyState {
  return model.memo("proxy.expected", () => {
    const state: ExpectedProxyState = { ports: [], byKey: new Map(), byFrontend: new Map(), services: new Set(), ignoredClusterIPs: new Set() };
    const useSlices = model.has("resources/endpointslices.json");
    const collectedAt = Date.parse(model.manifest?.collectedAt ?? "");
    const settledAt = (times: (string | null | undefined)[]) => {
      if (!Number.isFinite(collectedAt)) return true;
      const latest = Math.max(...times.map((t) => Date.parse(t ?? "")).filter(Number.isFinite));
      return !Number.isFinite(latest) || collectedAt - latest >= SYNC_GRACE_SECONDS * 1000;
    };
    for (const svc of model.resources.services) {
      const ns = svc.metadata.namespace ?? "default";
      state.services.add(`${ns}/${svc.metadata.name}`);
      if (!proxied(svc)) {
        for (const ip of svc.spec.clusterIPs ?? [svc.spec.clusterIP ?? ""]) if (ip && ip !== "None") state.ignoredClusterIPs.add(ip);
        continue;
      }
      const clusterIP = [svc.spec.clusterIP ?? "", ...(svc.spec.clusterIPs ?? [])].find(looksLikeIPv4);
      const slices = useSlices ? model.slicesFor(ns, svc.metadata.name) : [];
      const endpointsObject = useSlices ? undefined : model.endpointsFor(ns, svc.metadata.name);
      const settled = settledAt([
        svc.metadata.creationTimestamp,
        ...[...slices, ...(endpointsObject ? [endpointsObject] : [])].map((o) => o.metadata.annotations["endpoints.kubernetes.io/last-change-trigger-time"]),
      ]);
      for (const [i, sp] of (svc.spec.ports ?? []).entries()) {
        const portName = sp.name ?? "";
        const protocol = protocolOf(sp.protocol);
        const all = useSlices ? fromSlices(slices, portName, protocol) : fromEndpoints(model, svc, portName, protocol);
        const v4 = all.filter((e) => e.family === "IPv4" && looksLikeIPv4(e.ip));
        const ready = v4.filter((e) => e.ready);
        const programmed = ready.length > 0 ? ready : v4.filter((e) => e.serving);
        const port: ExpectedPort = {
          key: `${ns}/${svc.metadata.name}:${portName}`,
          namespace: ns,
          name: svc.metadata.name,
          portName,
          protocol,
          port: sp.port,
          ready: programmed.map((e) => ({ ip: e.ip, port: e.port, ...(e.node ? { node: e.node } : {}) })),
          known: new Set(all.map((e) => `${e.ip}:${e.port}`)),
          internalLocal: svc.spec.internalTrafficPolicy === "Local",
          settled,
          evidence: model.evidence(svc, `spec.ports[${i}]`, `${ns}/${svc.metadata.name} port ${portName || sp.port} ${sp.port}/${protocol.toUpperCase()}: ${ready.length} ready endpoint${ready.length === 1 ? "" : "s"}`),
        };
        if (clusterIP) port.clusterIP = clusterIP;
        state.ports.push(port);
        state.byKey.set(port.key, port);
        if (clusterIP) state.byFrontend.set(frontendKey(protocol, clusterIP, sp.port), port);
      }
    }
    return state;
  });
}

/** The endpoints kube-proxy should program for this port on this node. */
export function endpointsForNode(port: ExpectedPort, node: string): ExpectedEndpoint[] {
  return port.internalLocal ? port.ready.filter((e) => e.node === node) : port.ready;
}
