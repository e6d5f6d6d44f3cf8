import type { Evidence, ObjectRef } from "./evidence.js";

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const LAYERS = [
  "dns", "service", "workload", "policy", "proxy", "cni", "node", "ingress", "gateway", "mesh", "custom",
] as const;
export type Layer = (typeof LAYERS)[number];

export function severityAtLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(threshold);
}

/**
 * The one finding shape used from rule evaluation to every formatter
 * (SPEC §2). Ranking fills rank/score/explains/explainedBy.
 */
export interface Finding {
  /** Stable key: ruleId + primary subject; lets symptoms point at their root. */
  key: string;
  rank: number;
  cause: string;
  ruleId: string;
  layer: Layer;
  severity: Severity;
  /** Rule confidence adjusted by the evidence found (0..1). */
  confidence: number;
  score: number;
  title: string;
  message: string;
  subjects: ObjectRef[];
  evidence: Evidence[];
  /** Catalog ids of the symptom findings this root cause explains (attached under it). */
  explains: string[];
  /** Keys of the attached symptom findings. */
  explainedFindings: string[];
  /** Key of the root-cause finding this one is a symptom of, if any. */
  explainedBy?: string;
  /** How many objects the cause affects (pods, services, nodes…), used in the score. */
  impact: number;
  advice: boolean;
  remediation: string[];
  verify: string[];
  /** Rendered facts the rule looked at, for JSON consumers and tests. */
  data: Record<string, unknown>;
}
