/**
 * Istio PeerAuthentication: the mTLS mode a workload accepts, per port, and
 * the ports its sidecar does not intercept.
 *
 * Semantics (istio.io security reference, PeerAuthentication):
 * - a policy without selector in the root namespace (istio-system unless
 *   meshConfig.rootNamespace says otherwise) is mesh-wide; without selector
 *   in another namespace it is namespace-wide; with a selector it applies to
 *   the matching pods of its own namespace only;
 * - the most specific level wins: workload > namespace > mesh; a level whose
 *   mode is UNSET (or that has no mtls block) inherits from the level above;
 *   with no policy at all the mode is PERMISSIVE;
 * - when several policies compete at one level, the oldest one is used;
 * - portLevelMtls is honoured only on selector policies; keys are the
 *   workload's (container) port numbers; UNSET there inherits the workload mode;
 * - STRICT accepts only mTLS: a client without sidecar (and not in ambient
 *   mode) sends plaintext and its connections are reset, except on ports the
 *   server's sidecar does not intercept (annotations
 *   `traffic.sidecar.istio.io/excludeInboundPorts`, or
 *   `traffic.sidecar.istio.io/includeInboundPorts` not listing them), which
 *   bypass mTLS altogether.
 */
import type { PeerAuthentication } from "../../model/crds.js";
import type { Pod } from "../../model/k8s.js";
import { podRef } from "../../model/pods.js";
import type { ObjectRef } from "../../types/evidence.js";

export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE";
export const DEFAULT_ROOT_NAMESPACE = "istio-system";

export interface MtlsLevel {
  level: "mesh" | "namespace" | "workload";
  policy: ObjectRef;
  /** The mode as written (UNSET when absent). */
  mode: string;
}

export interface EffectiveMtls {
  pod: ObjectRef;
  mode: MtlsMode;
  /** The policy that decided the mode; undefined when the default (PERMISSIVE) applies. */
  decidedBy?: ObjectRef;
  /** The policies that apply, mesh first. */
  levels: MtlsLevel[];
  /** Per-port modes from the workload policy's portLevelMtls. */
  portModes: Record<string, MtlsMode>;
  /** Ports whose inbound traffic bypasses the sidecar (excludeInboundPorts): no mTLS enforced there. */
  bypassedPorts: number[];
  /** When includeInboundPorts is set (and not `*`): the only ports the sidecar intercepts. */
  interceptedOnly?: number[];
}

/** Whether inbound traffic to a port reaches the sidecar at all (and so whether mTLS is enforced on it). */
export function bypassesSidecar(e: EffectiveMtls, port: number): boolean {
  return e.bypassedPorts.includes(port) || (e.interceptedOnly !== undefined && !e.interceptedOnly.includes(port));
}

function writtenMode(pa: PeerAuthentication): string {
  return (pa.spec.mtls?.mode ?? "UNSET").toUpperCase();
}

function isMode(m: string): m is MtlsMode {
  return m === "STRICT" || m === "PERMISSIVE" || m === "DISABLE";
}

function hasSelector(pa: PeerAuthentication): boolean {
  return Object.keys(pa.spec.selector?.matchLabels ?? {}).length > 0;
}

/** Oldest first (creationTimestamp, then name for a stable tie-break). */
function oldest(policies: PeerAuthentication[]): PeerAuthentication | undefined {
  return [...policies].sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") || a.metadata.name.localeCompare(b.metadata.name))[0];
}

function selects(pa: PeerAuthentication, pod: Pod): boolean {
  return Object.entries(pa.spec.selector?.matchLabels ?? {}).every(([k, v]) => pod.metadata.labels[k] === v);
}

function portList(raw: string): number[] {
  return raw
    .split(",")
    .map((p) => Number(p.trim()))
    .filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
}

export function excludedInboundPorts(pod: Pod): number[] {
  return portList(pod.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"] ?? "");
}

/** includeInboundPorts: absent or `*` intercepts every port; otherwise only those listed ("" none). */
export function interceptedInboundPorts(pod: Pod): number[] | undefined {
  const raw = pod.metadata.annotations["traffic.sidecar.istio.io/includeInboundPorts"];
  return raw === undefined || raw.trim() === "*" ? undefined : portList(raw);
}

export function effectiveMtls(pod: Pod, policies: readonly PeerAuthentication[], rootNamespace = DEFAULT_ROOT_NAMESPACE): EffectiveMtls {
  const ns = pod.metadata.namespace ?? "default";
  const inNs = (n: string) => policies.filter((p) => (p.metadata.namespace ?? "default") === n);
  const mesh = oldest(inNs(rootNamespace).filter((p) => !hasSelector(p)));
  const namespace = ns === rootNamespace ? undefined : oldest(inNs(ns).filter((p) => !hasSelector(p)));
  const workload = oldest(inNs(ns).filter((p) => hasSelector(p) && selects(p, pod)));

  const levels: MtlsLevel[] = [];
  let mode: MtlsMode = "PERMISSIVE";
  let decidedBy: ObjectRef | undefined;
  for (const [level, pa] of [["mesh", mesh], ["namespace", namespace], ["workload", workload]] as const) {
    if (!pa) continue;
    const policy: ObjectRef = { kind: "PeerAuthentication", namespace: pa.metadata.namespace ?? "default", name: pa.metadata.name };
    const written = writtenMode(pa);
    levels.push({ level, policy, mode: written });
    if (isMode(written)) {
      mode = written;
      decidedBy = policy;
    }
  }
  const portModes: Record<string, MtlsMode> = {};
  for (const [port, setting] of Object.entries(workload?.spec.portLevelMtls ?? {})) {
    const m = (setting.mode ?? "UNSET").toUpperCase();
    portModes[port] = isMode(m) ? m : mode;
  }
  const e: EffectiveMtls = { pod: podRef(pod), mode, levels, portModes, bypassedPorts: excludedInboundPorts(pod) };
  if (decidedBy) e.decidedBy = decidedBy;
  const intercepted = interceptedInboundPorts(pod);
  if (intercepted) e.interceptedOnly = intercepted;
  return e;
}

/** Namespaces of cluster infrastructure: their pods rarely call application Services, and listing them would drown the real clients. */
export const INFRASTRUCTURE_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "istio-system"]);
