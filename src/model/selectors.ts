/**
 * Kubernetes label-selector semantics, used by Services, workloads and
 * NetworkPolicies alike:
 *  - a Service's `spec.selector` is a plain map; an empty or absent one selects
 *    nothing (the Service is selector-less and its Endpoints are managed by hand);
 *  - a LabelSelector (matchLabels + matchExpressions) that is empty `{}` selects
 *    everything, while a null/absent LabelSelector selects nothing.
 */
import type { LabelSelector } from "./k8s.js";

export type Labels = Readonly<Record<string, string>>;

export function matchesLabelSelector(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  if (selector == null) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!has || !values.includes(labels[req.key]!)) return false;
        break;
      case "NotIn":
        // NotIn matches objects that lack the key, as in Kubernetes.
        if (has && values.includes(labels[req.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A Service selector: a plain equality map, where empty means "selects nothing". */
export function matchesServiceSelector(selector: Labels | null | undefined, labels: Labels): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value) return false;
  }
  return true;
}

export function isEmptyLabelSelector(selector: LabelSelector | null | undefined): boolean {
  return selector != null && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** `app=web,tier in (a,b)` — the kubectl -l form, used in verify commands. */
export function selectorToString(selector: LabelSelector | Labels | null | undefined): string {
  if (selector == null) return "";
  if (!("matchLabels" in selector) && !("matchExpressions" in selector)) {
    return Object.entries(selector as Labels).map(([k, v]) => `${k}=${v}`).join(",");
  }
  const s = selector as LabelSelector;
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of s.matchExpressions ?? []) {
    const vals = (r.values ?? []).join(",");
    if (r.operator === "In") parts.push(`${r.key} in (${vals})`);
    else if (r.operator === "NotIn") parts.push(`${r.key} notin (${vals})`);
    else if (r.operator === "Exists") parts.push(r.key);
    else parts.push(`!${r.key}`);
  }
  return parts.join(",");
}
