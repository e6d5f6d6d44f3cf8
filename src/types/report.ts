import type { Finding, Severity } from "./finding.js";

export interface SkippedRule {
  ruleId: string;
  cause: string;
  /** The snapshot file (or glob) whose absence stopped the rule. */
  missing: string;
  /** Why it is missing when the collector said so (manifest.errors), e.g. "Forbidden". */
  reason?: string;
}

/** For `--symptom`: each candidate cause, and whether it was found, ruled out or could not be checked. */
export interface SymptomCheck {
  id: string;
  description: string;
  causes: { cause: string; status: "found" | "ruled-out" | "not-checked"; detail?: string }[];
}

export interface Report {
  format: "netdiag-report/v1";
  snapshot: { source: string; collectedAt?: string; cluster?: string; format?: string };
  /** rootCauses: faults not explained by another finding; advice: best-practice findings. */
  summary: { findings: number; rootCauses: number; advice: number; bySeverity: Record<Severity, number> };
  findings: Finding[];
  coverage: {
    rulesRun: number;
    rulesSkipped: SkippedRule[];
    /** Object counts the diagnosis looked at, so "nothing wrong" says what was checked. */
    checked: Record<string, number>;
    /** Notes from fact builders about what could not be evaluated (e.g. CNI policy CRDs present). */
    notes: string[];
  };
  warnings: string[];
  symptom?: SymptomCheck;
}
