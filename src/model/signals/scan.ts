/**
 * The log-signal library's engine: turns component log lines into counted
 * signals with first/last time and sample lines. Each layer declares its own
 * signal definitions (`coredns.ts`, `kube-proxy.ts`, …) as data; this file
 * only scans. One pass over the lines per file, every definition tried per
 * line, with a cheap substring prefilter so large logs stay fast.
 */
import { clip, type Evidence } from "../../types/evidence.js";

export interface SignalDefinition {
  /** Stable id, `<component>.<kebab-name>`, e.g. `coredns.loop-detected`. */
  id: string;
  description: string;
  /** A literal every matching line contains: checked before the regex. */
  contains: string;
  pattern: RegExp;
  severity: "error" | "warning" | "info";
}

export interface SignalSummary {
  id: string;
  count: number;
  /** Timestamps as printed (RFC 3339, klog `I1122 10:30:00.1`, nginx `2026/11/22 10:30:00`…), when lines carry one. */
  firstTime?: string;
  lastTime?: string;
  /** Named regex groups of the first match (e.g. the upstream address). */
  captures: Record<string, string>;
  /** Distinct values seen per named group, capped: e.g. every upstream that timed out. */
  values: Record<string, string[]>;
  /** Up to MAX_SAMPLES lines, first ones first, as evidence. */
  samples: Evidence[];
}

export const MAX_SAMPLES = 3;
const MAX_VALUES = 20;

const TIMESTAMP_PATTERNS: RegExp[] = [
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/, // kubectl logs --timestamps, JSON logs
  /^[IWEF](\d{4} \d{2}:\d{2}:\d{2}\.\d+)/, // klog header: E1122 10:30:00.123456
  /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2})/, // nginx error log, Go log package
  /\b(?:time|ts)="?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}[^"\s]*)/, // logfmt
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)/, // calico/felix, bird
];

export function lineTimestamp(line: string): string | undefined {
  for (const re of TIMESTAMP_PATTERNS) {
    const m = re.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Scan one file's lines against the definitions; returns only the signals that occurred. */
export function scanLines(
  file: string,
  lines: readonly string[],
  definitions: readonly SignalDefinition[],
): Map<string, SignalSummary> {
  const found = new Map<string, SignalSummary>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (const def of definitions) {
      if (!line.includes(def.contains)) continue;
      const m = def.pattern.exec(line);
      if (!m) continue;
      record(found, def, m, file, i + 1, line);
    }
  }
  return found;
}

function record(found: Map<string, SignalSummary>, def: SignalDefinition, m: RegExpExecArray, file: string, lineNo: number, line: string): void {
  const time = lineTimestamp(line);
  let s = found.get(def.id);
  if (!s) {
    s = { id: def.id, count: 0, captures: { ...(m.groups ?? {}) }, values: {}, samples: [] };
    if (time) s.firstTime = time;
    found.set(def.id, s);
  }
  s.count++;
  if (time) s.lastTime = time;
  for (const [k, v] of Object.entries(m.groups ?? {})) {
    if (v === undefined) continue;
    const list = (s.values[k] ??= []);
    if (list.length < MAX_VALUES && !list.includes(v)) list.push(v);
  }
  if (s.samples.length < MAX_SAMPLES) s.samples.push({ file, line: lineNo, excerpt: clip(line) });
}

/** Merge summaries of the same signal from several files (e.g. every CoreDNS replica). */
export function mergeSignals(into: Map<string, SignalSummary>, from: Map<string, SignalSummary>): void {
  for (const [id, s] of from) {
    const t = into.get(id);
    if (!t) {
      into.set(id, structuredClone(s));
      continue;
    }
    t.count += s.count;
    if (s.firstTime && (!t.firstTime || s.firstTime < t.firstTime)) t.firstTime = s.firstTime;
    if (s.lastTime && (!t.lastTime || s.lastTime > t.lastTime)) t.lastTime = s.lastTime;
    for (const [k, vs] of Object.entries(s.values)) {
      const list = (t.values[k] ??= []);
      for (const v of vs) if (list.length < MAX_VALUES && !list.includes(v)) list.push(v);
    }
    for (const e of s.samples) if (t.samples.length < MAX_SAMPLES) t.samples.push(e);
  }
}
