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

/** The first wanted label the nearest objects lack, and the value they carry instead (null: absent). */
export interface LabelMismatch {
  label: string;
  expected: string;
  actual: string | null;
}

/**
 * For a selector that matches nothing: the objects whose labels come closest
 * to the wanted ones (a typo or prefix/suffix variant of a value scores above
 * an unrelated value; sharing only a key still counts), and the first label
 * they get wrong. Names the likely intended targets in a finding.
 */
export function nearestByLabels<T extends { metadata: { labels: Labels } }>(candidates: readonly T[], wanted: Labels): { items: T[]; mismatch: LabelMismatch | null } {
  const keys = Object.keys(wanted);
  let best = 0;
  let items: T[] = [];
  for (const c of candidates) {
    const labels = c.metadata.labels;
    const score = keys.reduce((n, k) => n + (Object.hasOwn(labels, k) ? valueSimilarity(wanted[k]!, labels[k]!) : 0), 0);
    if (score === 0) continue;
    if (score > best) {
      best = score;
      items = [c];
    } else if (score === best) items.push(c);
  }
  const first = items[0];
  const label = first ? keys.find((k) => first.metadata.labels[k] !== wanted[k]) : undefined;
  const mismatch = first && label !== undefined ? { label, expected: wanted[label]!, actual: Object.hasOwn(first.metadata.labels, label) ? first.metadata.labels[label]! : null } : null;
  return { items, mismatch };
}

/** A different value that looks like a typo or a prefix/suffix variant of the wanted one. */
export function isNearMissValue(want: string, have: string): boolean {
  return valueSimilarity(want, have) === 1.5;
}

function valueSimilarity(want: string, have: string): number {
  if (want === have) return 2;
  if (want.includes(have) || have.includes(want) || editDistance(want, have) <= Math.max(2, Math.floor(want.length / 3))) return 1.5;
  return 1;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
