/**
 * Presentation helpers shared by every formatter: folding symptoms under their
 * root cause, mapping layers onto the request-path diagram, and making
 * untrusted strings (log lines, label values) safe to show on a terminal.
 * Pure functions over the Report shape; no formatting decisions live here.
 */
import type { Evidence, ObjectRef } from "../types/evidence.js";
import { LAYERS, SEVERITIES, type Finding, type Layer, type Severity } from "../types/finding.js";
import type { Report, SymptomCheck } from "../types/report.js";

/** A finding with the symptoms it explains attached below it. */
export interface FindingNode {
  finding: Finding;
  symptoms: FindingNode[];
}

const byRank = (a: Finding, b: Finding): number => a.rank - b.rank;

/**
 * Roots in rank order, each with its symptoms (in rank order, recursively).
 * A finding whose `explainedBy` names no finding of the report, or that sits on
 * a cycle of `explainedBy` links, is shown as a root rather than dropped: a
 * report must never hide a finding because ranking metadata is inconsistent.
 */
export function foldSymptoms(findings: readonly Finding[]): FindingNode[] {
  const sorted = [...findings].sort(byRank);
  const keys = new Set(sorted.map((f) => f.key));
  const children = new Map<string, Finding[]>();
  const roots: Finding[] = [];
  for (const f of sorted) {
    if (f.explainedBy !== undefined && f.explainedBy !== f.key && keys.has(f.explainedBy)) {
      const list = children.get(f.explainedBy) ?? [];
      list.push(f);
      children.set(f.explainedBy, list);
    } else {
      roots.push(f);
    }
  }
  const placed = new Set<Finding>();
  const build = (f: Finding): FindingNode => {
    placed.add(f);
    // Several findings may share a key; attach each child once, under the first.
    const kids = (children.get(f.key) ?? []).filter((k) => !placed.has(k));
    kids.forEach((k) => placed.add(k));
    return { finding: f, symptoms: kids.map(build) };
  };
  const nodes = roots.map(build);
  // Whatever is left is on an explainedBy cycle: surface it at the top level.
  for (const f of sorted) if (!placed.has(f)) nodes.push(build(f));
  return nodes.sort((a, b) => byRank(a.finding, b.finding));
}

export function countNodes(nodes: readonly FindingNode[]): number {
  return nodes.reduce((n, node) => n + 1 + countNodes(node.symptoms), 0);
}

/** Severity counts in severity order, leaving out zeros: "1 critical, 2 high". */
export function severityCounts(bySeverity: Record<Severity, number>): { severity: Severity; count: number }[] {
  return SEVERITIES.map((severity) => ({ severity, count: bySeverity[severity] ?? 0 })).filter((c) => c.count > 0);
}

export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  let worst: number | undefined;
  for (const f of findings) {
    const i = SEVERITIES.indexOf(f.severity);
    if (i >= 0 && (worst === undefined || i < worst)) worst = i;
  }
  return worst === undefined ? undefined : SEVERITIES[worst];
}

/** `file:line` for log lines, `file items[3].status` for JSON paths. */
export function evidenceLocation(e: Evidence): string {
  if (e.line !== undefined) return `${e.file}:${e.line}`;
  if (e.path) return `${e.file} ${e.path}`;
  return e.file;
}

export function subjectLabel(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** Namespaces named by a finding's subjects, in first-seen order. */
export function namespacesOf(f: Finding): string[] {
  return [...new Set(f.subjects.flatMap((s) => (s.namespace ? [s.namespace] : [])))];
}

/** `networkPolicies` → `network policies`: labels for report.coverage.checked keys. */
export function humanizeKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

export function checkedSummary(checked: Record<string, number>): { label: string; count: number }[] {
  return Object.entries(checked).map(([key, count]) => ({ label: humanizeKey(key), count }));
}

/** A `--symptom` check's candidate causes by outcome, each as `cause (detail)`, in the check's order. */
export function symptomOutcome(check: SymptomCheck): { found: string[]; ruledOut: string[]; notChecked: string[] } {
  const show = (c: SymptomCheck["causes"][number]): string => (c.detail ? `${c.cause} (${c.detail})` : c.cause);
  return {
    found: check.causes.filter((c) => c.status === "found").map(show),
    ruledOut: check.causes.filter((c) => c.status === "ruled-out").map(show),
    notChecked: check.causes.filter((c) => c.status === "not-checked").map(show),
  };
}

// --- request-path diagram -------------------------------------------------

export interface DiagramBox {
  id: string;
  label: string;
  /** Drawn on the request path (client → … → Pod) rather than on the row of layers it crosses. */
  onPath: boolean;
}

export const DIAGRAM_BOXES: readonly DiagramBox[] = [
  { id: "client", label: "Client", onPath: true },
  { id: "dns", label: "DNS", onPath: true },
  { id: "service", label: "Service", onPath: true },
  { id: "endpoints", label: "Endpoints", onPath: true },
  { id: "pod", label: "Pod", onPath: true },
  { id: "policy", label: "NetworkPolicy", onPath: false },
  { id: "proxy", label: "kube-proxy", onPath: false },
  { id: "cni", label: "CNI", onPath: false },
  { id: "node", label: "Node", onPath: false },
  { id: "ingress", label: "Ingress / Gateway", onPath: false },
  { id: "mesh", label: "Mesh", onPath: false },
  { id: "custom", label: "Custom rules", onPath: false },
];

/** Service-layer causes that are about the Service's endpoints rather than the Service object. */
const ENDPOINT_CAUSES: ReadonlySet<string> = new Set([
  "service.no-ready-endpoints",
  "service.manual-endpoints-stale",
  "service.endpointslice-disagreement",
  "service.external-policy-local-no-endpoints",
]);

const BOX_OF_LAYER: Record<Layer, string> = {
  dns: "dns",
  service: "service",
  workload: "pod",
  policy: "policy",
  proxy: "proxy",
  cni: "cni",
  node: "node",
  ingress: "ingress",
  gateway: "ingress",
  mesh: "mesh",
  custom: "custom",
};

export function boxOf(layer: string, cause: string): string {
  if (layer === "service" && ENDPOINT_CAUSES.has(cause)) return "endpoints";
  return Object.hasOwn(BOX_OF_LAYER, layer) ? BOX_OF_LAYER[layer as Layer] : "custom";
}

/** The layer a catalog cause id belongs to (`proxy.rules-missing` → proxy), if it is one of ours. */
export function layerOfCause(cause: string): Layer | undefined {
  const prefix = cause.split(".", 1)[0] ?? "";
  return (LAYERS as readonly string[]).includes(prefix) ? (prefix as Layer) : undefined;
}

export interface BoxStatus extends DiagramBox {
  findings: number;
  rootCauses: number;
  worst?: Severity;
  skipped: number;
}

/**
 * Each diagram box with its worst finding and the number of rules that could
 * not run for it. The custom box appears only when custom findings exist.
 */
export function diagramStatus(report: Report): BoxStatus[] {
  return DIAGRAM_BOXES.map((box) => {
    const mine = report.findings.filter((f) => boxOf(f.layer, f.cause) === box.id);
    const skipped = report.coverage.rulesSkipped.filter((s) => {
      const layer = layerOfCause(s.cause);
      return layer !== undefined && boxOf(layer, s.cause) === box.id;
    }).length;
    const worst = worstSeverity(mine);
    return {
      ...box,
      findings: mine.length,
      rootCauses: mine.filter((f) => f.explainedBy === undefined).length,
      ...(worst ? { worst } : {}),
      skipped,
    };
  }).filter((b) => b.id !== "custom" || b.findings > 0);
}

// --- untrusted text ---------------------------------------------------------

/**
 * Control characters (C0 except tab/newline, DEL, C1), bidirectional overrides
 * and line/paragraph separators. In a terminal they can move the cursor, recolor
 * or hide text (an excerpt of a hostile log line must not repaint the report);
 * bidi overrides can make text read differently from what it is.
 */
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

/** Replace unsafe characters by a visible `\u{…}` so the reader sees they were there. */
export function showUnsafeChars(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** One line of displayable text: unsafe characters shown, whitespace runs collapsed. */
export function oneLine(text: string): string {
  return showUnsafeChars(text).replace(/\s+/g, " ").trim();
}

/** One line, whitespace kept (commands, excerpts in code blocks): unsafe characters shown, line breaks joined. */
export function codeLine(text: string): string {
  return showUnsafeChars(text).replace(/[\r\n]+/g, " ");
}

/** A copy of plain JSON data with every string passed through `fn` (keys included). */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fn(k), mapStrings(v, fn)]));
  }
  return value;
}
