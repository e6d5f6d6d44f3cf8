/**
 * Which nodes a DaemonSet's pod belongs on, with the scheduler's semantics
 * the DaemonSet controller applies: the template's nodeSelector, required
 * node affinity, and node taints against the template's tolerations plus the
 * ones the controller adds to every DaemonSet pod. Node agents (kube-proxy,
 * CNI agents) are judged against this, never against a fixed node list.
 */
import { z } from "zod";
import type { Node, Workload } from "./k8s.js";

const Toleration = z.looseObject({
  key: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
});
type Toleration = z.infer<typeof Toleration>;

const NodeSelectorRequirement = z.looseObject({ key: z.string(), operator: z.string(), values: z.array(z.string()).nullish() });
const NodeSelectorTerm = z.looseObject({
  matchExpressions: z.array(NodeSelectorRequirement).nullish(),
  matchFields: z.array(NodeSelectorRequirement).nullish(),
});

/** The placement fields of a pod template spec; read leniently (they are not in the shared schema). */
const Placement = z.looseObject({
  nodeSelector: z.record(z.string(), z.string()).nullish(),
  tolerations: z.array(Toleration).nullish(),
  hostNetwork: z.boolean().optional(),
  affinity: z
    .looseObject({
      nodeAffinity: z
        .looseObject({
          requiredDuringSchedulingIgnoredDuringExecution: z.looseObject({ nodeSelectorTerms: z.array(NodeSelectorTerm).nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
type Placement = z.infer<typeof Placement>;

/** Tolerations the DaemonSet controller adds to every daemon pod (pkg/controller/daemon/util). */
const DAEMONSET_TOLERATIONS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" };

function placementOf(ds: Workload): Placement {
  const parsed = Placement.safeParse(ds.spec.template?.spec ?? {});
  return parsed.success ? parsed.data : {};
}

function tolerates(t: Toleration, taint: { key: string; value?: string | undefined; effect?: string | undefined }): boolean {
  if (t.effect && taint.effect && t.effect !== taint.effect) return false;
  if (t.operator === "Exists") return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
}

function matchesRequirement(req: z.infer<typeof NodeSelectorRequirement>, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      const n = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return req.operator === "Gt" ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

function matchesTerm(term: z.infer<typeof NodeSelectorTerm>, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term matches nothing (Kubernetes semantics).
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => matchesRequirement(r, node.metadata.labels[r.key])) && fields.every((r) => r.key === "metadata.name" && matchesRequirement(r, node.metadata.name));
}

/** True when the DaemonSet controller would run a pod of `ds` on `node`. */
export function daemonSetTargetsNode(ds: Workload, node: Node): boolean {
  const p = placementOf(ds);
  for (const [k, v] of Object.entries(p.nodeSelector ?? {})) if (node.metadata.labels[k] !== v) return false;
  const terms = p.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => matchesTerm(t, node))) return false;
  const tolerations = [...(p.tolerations ?? []), ...DAEMONSET_TOLERATIONS, ...(p.hostNetwork ? [HOST_NETWORK_TOLERATION] : [])];
  for (const taint of node.spec.taints ?? []) {
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return false;
  }
  return true;
}

/** The nodeSelector in `k=v` form (for messages: "kube-proxy's nodeSelector non-calico=true matches no node"). */
export function daemonSetNodeSelector(ds: Workload): string {
  return Object.entries(placementOf(ds).nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
}
