/** ranked findings → the Report object of SPEC §2, which every formatter renders. */
import type { ClusterModel } from "../model/model.js";
import { SEVERITIES, type Finding, type Severity } from "../types/finding.js";
import type { Symptom } from "../ranking/symptoms.js";
import type { Report, SkippedRule, SymptomCheck } from "../types/report.js";

export interface ReportInputs {
  model: ClusterModel;
  findings: Finding[];
  rulesRun: number;
  skipped: SkippedRule[];
  notes: string[];
  warnings: string[];
  /** Causes of the rules that were loaded (run or skipped), to say what a symptom's check covered. */
  ruleCauses: string[];
  symptom?: Symptom;
}

function matches(pattern: string, cause: string): boolean {
  return pattern.endsWith(".*") ? cause.startsWith(pattern.slice(0, -1)) : pattern === cause;
}

/** Expands the symptom's candidate causes (wildcards included) into found / ruled out / not checked. */
export function checkSymptom(symptom: Symptom, findings: Finding[], ruleCauses: string[], skipped: SkippedRule[]): SymptomCheck {
  const causes = [...new Set(symptom.causes.flatMap((p) => (p.endsWith(".*") ? ruleCauses.filter((c) => matches(p, c)).sort() : [p])))];
  return {
    id: symptom.id,
    description: symptom.description,
    causes: causes.map((cause) => {
      const found = findings.filter((f) => f.cause === cause);
      if (found.length > 0) return { cause, status: "found" as const, detail: `rank ${found.map((f) => f.rank).join(", ")}` };
      const skip = skipped.find((s) => s.cause === cause);
      if (skip) return { cause, status: "not-checked" as const, detail: `snapshot lacks ${skip.missing}${skip.reason ? ` (${skip.reason})` : ""}` };
      if (!ruleCauses.includes(cause)) return { cause, status: "not-checked" as const, detail: "no rule for this cause is loaded" };
      return { cause, status: "ruled-out" as const };
    }),
  };
}

export function buildReport({ model, findings, rulesRun, skipped, notes, warnings, ruleCauses, symptom }: ReportInputs): Report {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  const r = model.resources;
  const snapshot: Report["snapshot"] = { source: model.source };
  if (model.manifest?.collectedAt) snapshot.collectedAt = model.manifest.collectedAt;
  if (model.manifest?.cluster?.context) snapshot.cluster = model.manifest.cluster.context;
  if (model.manifest?.format) snapshot.format = model.manifest.format;
  return {
    format: "netdiag-report/v1",
    snapshot,
    summary: {
      findings: findings.length,
      rootCauses: findings.filter((f) => !f.explainedBy && !f.advice).length,
      advice: findings.filter((f) => !f.explainedBy && f.advice).length,
      bySeverity,
    },
    findings,
    coverage: {
      rulesRun,
      rulesSkipped: skipped,
      checked: {
        namespaces: r.namespaces.length,
        nodes: r.nodes.length,
        pods: r.pods.length,
        services: r.services.length,
        networkPolicies: r.networkpolicies.length,
        ingresses: r.ingresses.length,
        logFiles: model.logs.length,
        nodeDataSets: model.nodeFiles.size,
      },
      notes,
    },
    warnings,
    ...(symptom ? { symptom: checkSymptom(symptom, findings, ruleCauses, skipped) } : {}),
  };
}
