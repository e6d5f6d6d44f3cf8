/**
 * The pipeline, one stage after another, data flowing one way:
 *   snapshot → model → facts → rules → ranking → report
 */
import { readSnapshot } from "./snapshot/reader.js";
import type { ReadLimits } from "./snapshot/types.js";
import { DEFAULT_LIMITS } from "./snapshot/types.js";
import { buildModel, requireSnapshotContent } from "./model/build.js";
import { iptablesCompactor } from "./model/parsers/iptables-shared.js";
import type { ClusterModel } from "./model/model.js";
import { computeFacts, FACT_BUILDERS } from "./facts/index.js";
import type { FactBuilder } from "./facts/types.js";
import { evaluateRules } from "./rules/evaluate.js";
import type { LoadedRule } from "./rules/loader.js";
import { rankFindings, type RankOptions } from "./ranking/rank.js";
import { buildReport } from "./report/build.js";
import type { Report } from "./types/report.js";
import type { Symptom } from "./ranking/symptoms.js";

export interface DiagnoseOptions extends RankOptions {
  /** A symptom of CATALOG.md's index: its causes rank first and the report says which were ruled out. */
  symptom?: Symptom;
  limits?: ReadLimits;
  /** Called at the start of each stage (the CLI prints progress on a TTY). */
  onStage?: (stage: string) => void;
  /** The fact builders to run (all by default; the benchmark passes timed ones). */
  factBuilders?: readonly FactBuilder[];
}

export async function loadModel(source: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<ClusterModel> {
  // Node iptables dumps are most of a large snapshot's bytes: kept compacted as they are read.
  const snapshot = await readSnapshot(source, limits, { compactor: iptablesCompactor() });
  requireSnapshotContent(snapshot);
  return buildModel(snapshot);
}

export async function diagnoseModel(model: ClusterModel, rules: LoadedRule[], options: DiagnoseOptions = {}): Promise<Report> {
  const builders = options.factBuilders ?? FACT_BUILDERS;
  options.onStage?.("computing facts");
  const subjects = computeFacts(model, builders);
  options.onStage?.(`running ${rules.length} rules`);
  const evaluation = await evaluateRules(model, subjects, rules);
  options.onStage?.("ranking");
  const findings = rankFindings(evaluation.candidates, { ...options, ...(options.symptom ? { preferCauses: options.symptom.causes } : {}) });
  options.onStage?.("building the report");
  const notes = [...snapshotNotes(model), ...builders.flatMap((b) => b.notes?.(model) ?? [])];
  const ruleCauses = [...new Set(rules.map((r) => r.rule.cause))];
  return buildReport({ model, findings, rulesRun: evaluation.rulesRun, skipped: evaluation.skipped, notes, warnings: model.warnings, ruleCauses, ...(options.symptom ? { symptom: options.symptom } : {}) });
}

export async function diagnose(source: string, rules: LoadedRule[], options: DiagnoseOptions = {}): Promise<Report> {
  options.onStage?.("reading snapshot");
  const model = await loadModel(source, options.limits);
  return diagnoseModel(model, rules, options);
}

function snapshotNotes(model: ClusterModel): string[] {
  const notes: string[] = [];
  if (!model.manifest) notes.push("unlabelled snapshot: no manifest.json, so collection time and collector errors are unknown");
  else if (model.manifest.format && model.manifest.format !== "netdiag-snapshot/v1") notes.push(`snapshot format ${model.manifest.format} is newer than this tool knows (netdiag-snapshot/v1): read as v1`);
  for (const e of model.manifest?.errors ?? []) notes.push(`collector could not collect ${e.step}: ${e.message}`);
  return notes;
}
