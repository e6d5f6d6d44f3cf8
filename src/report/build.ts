/** ranked findings → the Report object of SPEC §2, which every formatter renders. */
import type { ClusterModel } from "../model/model.js";
import { SEVERITIES, type Finding, type Severity } from "../types/finding.js";
import type { Report, SkippedRule } from "../types/report.js";

export interface ReportInputs {
  model: ClusterModel;
  findings: Finding[];
  rulesRun: number;
  skipped: SkippedRule[];
  notes: string[];
  warnings: string[];
}

export function buildReport({ model, findings, rulesRun, skipped, notes, warnings }: ReportInputs): Report {
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
    summary: { findings: findings.length, rootCauses: findings.filter((f) => !f.explainedBy).length, bySeverity },
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
  };
}
