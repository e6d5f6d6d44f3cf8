/**
 * facts → findings: runs the rules of each subject kind over every subject of
 * that kind with json-rules-engine (one reused engine per kind, subjects in
 * sequence: measured faster than concurrent runs), and turns each rule that
 * fires into a finding citing the evidence of the facts it tested.
 * Rules whose facts need files missing from the snapshot are not run: they are
 * reported as skipped (coverage), never silently passed.
 */
import { Engine, type RuleProperties, type TopLevelCondition } from "json-rules-engine";
import { FACT_DEFINITIONS, type Subject } from "../facts/index.js";
import type { ClusterModel } from "../model/model.js";
import { accountedFor, whyMissing } from "../model/optional-apis.js";
import { refKey, type Evidence, type ObjectRef } from "../types/evidence.js";
import type { Finding } from "../types/finding.js";
import type { SkippedRule } from "../types/report.js";
import type { LoadedRule } from "./loader.js";
import { addCustomOperators, getPath } from "./operators.js";
import type { Condition } from "./schema.js";
import { templateContext } from "./templates.js";

/** A finding before ranking, with what ranking needs to relate it to others. */
export interface Candidate {
  finding: Finding;
  rule: LoadedRule;
  /** refKeys of the subject, its objects and its scope: what a root cause may share with it. */
  relatedKeys: Set<string>;
  /** refKeys of the subject and its objects only. */
  subjectKeys: Set<string>;
}

export interface Evaluation {
  candidates: Candidate[];
  rulesRun: number;
  skipped: SkippedRule[];
}

/**
 * The first required file (or alternative group) of the rule's facts that the
 * snapshot lacks. The file of an optional API (a CRD) the collector found not
 * served is not lacking: the rule applies to no object, and runs on none.
 */
export function missingInput(model: ClusterModel, rule: LoadedRule): string | undefined {
  for (const name of rule.facts) {
    for (const req of FACT_DEFINITIONS.get(name)?.requires ?? []) {
      const alternatives = req.split("|");
      if (!alternatives.some((a) => accountedFor(model, a))) return req;
    }
  }
  return undefined;
}

function toEngineCondition(c: Condition): TopLevelCondition {
  return ("all" in c || "any" in c || "not" in c ? c : { all: [c] }) as TopLevelCondition;
}

function conditionsOf(rule: LoadedRule, extra?: Condition): TopLevelCondition {
  const parts: Condition[] = [];
  if (rule.rule.given.where) parts.push(rule.rule.given.where);
  parts.push(rule.rule.then);
  if (extra) parts.push(extra);
  return toEngineCondition(parts.length === 1 ? parts[0]! : { all: parts });
}

const BOOST = "#confidence-";

function engineFor(rules: LoadedRule[]): Engine {
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    // Dotted paths only: jsonpath-plus filter expressions have run code before.
    pathResolver: (value: unknown, path: string) => getPath(value, path),
  });
  addCustomOperators(engine);
  for (const r of rules) {
    engine.addRule({ name: r.rule.id, conditions: conditionsOf(r), event: { type: r.rule.id } } as RuleProperties);
    r.rule.confidenceWhen.forEach((b, i) => {
      engine.addRule({ name: `${r.rule.id}${BOOST}${i}`, conditions: conditionsOf(r, b.when), event: { type: `${r.rule.id}${BOOST}${i}` } } as RuleProperties);
    });
  }
  return engine;
}

export async function evaluateRules(model: ClusterModel, subjects: Subject[], rules: LoadedRule[]): Promise<Evaluation> {
  const skipped: SkippedRule[] = [];
  const runnable: LoadedRule[] = [];
  for (const r of rules) {
    const missing = missingInput(model, r);
    if (!missing) {
      runnable.push(r);
      continue;
    }
    const reason = missing.split("|").map((m) => whyMissing(model, m)).find(Boolean);
    skipped.push({ ruleId: r.rule.id, cause: r.rule.cause, missing, ...(reason ? { reason } : {}) });
  }
  const byKind = new Map<string, LoadedRule[]>();
  for (const r of runnable) {
    const list = byKind.get(r.rule.given.kind) ?? [];
    list.push(r);
    byKind.set(r.rule.given.kind, list);
  }
  const candidates: Candidate[] = [];
  for (const [kind, kindRules] of byKind) {
    const engine = engineFor(kindRules);
    const ruleById = new Map(kindRules.map((r) => [r.rule.id, r]));
    for (const subject of subjects) {
      if (subject.kind !== kind) continue;
      const { events } = await engine.run({ ...subject.values });
      const fired = new Set(events.map((e) => e.type));
      for (const type of fired) {
        const rule = ruleById.get(type);
        if (rule) candidates.push(toCandidate(rule, subject, confidenceOf(rule, fired)));
      }
    }
  }
  return { candidates, rulesRun: runnable.length, skipped };
}

function confidenceOf(rule: LoadedRule, fired: Set<string>): number {
  let confidence = rule.rule.confidence;
  rule.rule.confidenceWhen.forEach((b, i) => {
    if (fired.has(`${rule.rule.id}${BOOST}${i}`)) confidence = b.confidence;
  });
  return confidence;
}

function refsIn(value: unknown): ObjectRef[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is ObjectRef => !!v && typeof v === "object" && typeof (v as ObjectRef).kind === "string" && typeof (v as ObjectRef).name === "string");
}

function dedupeEvidence(list: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.file}|${e.path ?? ""}|${e.line ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function impactOf(rule: LoadedRule, subject: Subject): number {
  if (!rule.rule.impact) return 1;
  const v = subject.values[rule.rule.impact];
  if (typeof v === "number") return Math.max(1, v);
  if (Array.isArray(v)) return Math.max(1, v.length);
  return 1;
}

function toCandidate(rule: LoadedRule, subject: Subject, confidence: number): Candidate {
  const r = rule.rule;
  const ctx = templateContext(subject.subject, subject.values);
  const objects = r.objects.flatMap((f) => refsIn(subject.values[f]));
  const subjects = [subject.subject, ...objects.filter((o) => refKey(o) !== refKey(subject.subject))];
  const dataFacts = [...new Set([...rule.conditionFacts, ...r.data])];
  const finding: Finding = {
    key: `${r.id}@${refKey(subject.subject)}`,
    rank: 0,
    cause: r.cause,
    ruleId: r.id,
    layer: r.layer,
    severity: r.severity,
    confidence,
    score: 0,
    title: r.title,
    message: rule.message(ctx).trim(),
    subjects,
    evidence: dedupeEvidence([...rule.conditionFacts, ...r.evidence].flatMap((f) => subject.evidence[f] ?? [])),
    explains: [],
    explainedFindings: [],
    impact: impactOf(rule, subject),
    advice: r.advice,
    remediation: rule.remediation.map((t) => t(ctx).trim()),
    verify: rule.verify.map((t) => t(ctx).trim()),
    data: Object.fromEntries(dataFacts.map((f) => [f, subject.values[f]])),
  };
  const subjectKeys = new Set(subjects.map(refKey));
  const relatedKeys = new Set([...subjectKeys, ...subject.scope.map(refKey)]);
  return { finding, rule, relatedKeys, subjectKeys };
}
