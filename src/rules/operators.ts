/**
 * Operators added to json-rules-engine's built-ins. All are pure and total:
 * they never throw on unexpected fact types (a rule then simply does not match).
 */
import type { Engine } from "json-rules-engine";

function sizeOf(v: unknown): number | undefined {
  if (Array.isArray(v) || typeof v === "string") return v.length;
  if (v && typeof v === "object") return Object.keys(v).length;
  if (v === null || v === undefined) return 0;
  return undefined;
}

export const CUSTOM_OPERATORS: Record<string, (factValue: unknown, jsonValue: unknown) => boolean> = {
  /** `{ "operator": "isEmpty", "value": true }`: null, "", [] and {} are empty. */
  isEmpty: (f, want) => (sizeOf(f) === 0) === (want !== false),
  isNotEmpty: (f, want) => ((sizeOf(f) ?? 1) > 0) === (want !== false),
  /** Array fact shares at least one element with the value array. */
  hasAny: (f, want) => Array.isArray(f) && Array.isArray(want) && f.some((x) => want.includes(x)),
  lengthAtLeast: (f, n) => typeof n === "number" && (sizeOf(f) ?? -1) >= n,
  lengthLessThan: (f, n) => typeof n === "number" && (sizeOf(f) ?? Infinity) < n,
  startsWith: (f, prefix) => typeof f === "string" && typeof prefix === "string" && f.startsWith(prefix),
};

export function addCustomOperators(engine: Engine): void {
  for (const [name, fn] of Object.entries(CUSTOM_OPERATORS)) engine.addOperator(name, fn);
}

/** The engine's pathResolver: dotted paths and indexes over own properties, never jsonpath. */
export function getPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  const parts = path.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "");
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    // Own properties only: a rule path must never reach a prototype.
    if (!Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
