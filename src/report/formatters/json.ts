/**
 * `--format json`: the Report object of SPEC §2, findings in rank order, keys
 * in a fixed order (SPEC's order first, then our extensions) so that two runs
 * on the same snapshot diff cleanly whatever order the pipeline built objects in.
 */
import type { Finding } from "../../types/finding.js";
import type { Report } from "../../types/report.js";
import type { Formatter } from "./types.js";

type Plain = Record<string, unknown>;

/** Copy `obj` with `order`'s keys first, then any other own keys in their original order. */
function ordered(obj: object, order: readonly string[]): Plain {
  const src = obj as Plain;
  const out: Plain = {};
  for (const k of order) if (Object.hasOwn(src, k)) out[k] = src[k];
  for (const k of Object.keys(src)) if (!Object.hasOwn(out, k)) out[k] = src[k];
  return out;
}

const REPORT_KEYS = ["format", "snapshot", "summary", "findings", "coverage", "warnings", "symptom"] as const;
const SNAPSHOT_KEYS = ["source", "collectedAt", "cluster", "format"] as const;
const SUMMARY_KEYS = ["findings", "rootCauses", "advice", "bySeverity"] as const;
const SEVERITY_KEYS = ["critical", "high", "medium", "low", "info"] as const;
/** SPEC §2's finding keys, then the fields ranking adds for consumers that want the tree. */
const FINDING_KEYS = [
  "rank", "cause", "ruleId", "layer", "severity", "score", "title", "message", "subjects", "evidence",
  "explains", "remediation", "verify",
  "key", "explainedBy", "explainedFindings", "confidence", "impact", "advice", "data",
] as const;
const SUBJECT_KEYS = ["kind", "namespace", "name"] as const;
const EVIDENCE_KEYS = ["file", "path", "line", "excerpt"] as const;
const COVERAGE_KEYS = ["rulesRun", "rulesSkipped", "checked", "notes"] as const;
const SKIPPED_KEYS = ["ruleId", "cause", "missing", "reason"] as const;
const SYMPTOM_KEYS = ["id", "description", "causes"] as const;
const SYMPTOM_CAUSE_KEYS = ["cause", "status", "detail"] as const;

function orderedFinding(f: Finding): Plain {
  return ordered(
    {
      ...f,
      subjects: f.subjects.map((s) => ordered(s, SUBJECT_KEYS)),
      evidence: f.evidence.map((e) => ordered(e, EVIDENCE_KEYS)),
    },
    FINDING_KEYS,
  );
}

export function toOrderedJson(report: Report): Plain {
  return ordered(
    {
      ...report,
      snapshot: ordered(report.snapshot, SNAPSHOT_KEYS),
      summary: ordered({ ...report.summary, bySeverity: ordered(report.summary.bySeverity, SEVERITY_KEYS) }, SUMMARY_KEYS),
      findings: [...report.findings].sort((a, b) => a.rank - b.rank).map(orderedFinding),
      coverage: ordered(
        { ...report.coverage, rulesSkipped: report.coverage.rulesSkipped.map((s) => ordered(s, SKIPPED_KEYS)) },
        COVERAGE_KEYS,
      ),
      ...(report.symptom
        ? { symptom: ordered({ ...report.symptom, causes: report.symptom.causes.map((c) => ordered(c, SYMPTOM_CAUSE_KEYS)) }, SYMPTOM_KEYS) }
        : {}),
    },
    REPORT_KEYS,
  );
}

export const formatJson: Formatter = (report) => `${JSON.stringify(toOrderedJson(report), null, 2)}\n`;
