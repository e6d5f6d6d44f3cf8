/**
 * Rule test cases: beside `rules/<layer>/<id>.json`, a `<id>.cases.yaml` lists
 * snapshots (a directory or tarball, path relative to the cases file) and the
 * primary subjects that rule ALONE must report on each — no more, no fewer.
 * `diagnose rules test DIR` and the built-in rules' test suite both run them.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { diagnoseModel, loadModel } from "../diagnose.js";
import { refKey } from "../types/evidence.js";
import type { LoadedRule } from "./loader.js";

const CaseSchema = z.strictObject({
  name: z.string().min(1),
  snapshot: z.string().min(1),
  /** refKeys (`Kind/namespace/name`, `Node/name`) of the findings' primary subjects. */
  expect: z.array(z.string()),
});
export const CasesFileSchema = z.array(CaseSchema).min(1);
export type RuleCase = z.infer<typeof CaseSchema>;

export interface CaseResult {
  ruleId: string;
  file: string;
  name: string;
  passed: boolean;
  missing: string[];
  unexpected: string[];
  error?: string;
}

export function casesFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.json$/, ".cases.yaml");
}

export async function readCases(file: string): Promise<RuleCase[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const parsed = CasesFileSchema.safeParse(parse(text, { maxAliasCount: 0 }));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error).split("\n").join(" ")}`);
  return parsed.data;
}

/** Runs one rule, alone, on each of its cases. `ruleFileOnDisk` locates the cases file. */
export async function runRuleCases(rule: LoadedRule, ruleFileOnDisk: string): Promise<CaseResult[]> {
  const file = casesFileFor(ruleFileOnDisk);
  const cases = await readCases(file);
  if (!cases) return [];
  const results: CaseResult[] = [];
  for (const c of cases) {
    const base = { ruleId: rule.rule.id, file, name: c.name };
    try {
      const model = await loadModel(resolve(dirname(file), c.snapshot));
      const report = await diagnoseModel(model, [rule]);
      const skipped = report.coverage.rulesSkipped.find((s) => s.ruleId === rule.rule.id);
      if (skipped) throw new Error(`rule skipped: snapshot lacks ${skipped.missing}`);
      const got = new Set(report.findings.map((f) => refKey(f.subjects[0]!)));
      const missing = c.expect.filter((s) => !got.has(s));
      const unexpected = [...got].filter((s) => !c.expect.includes(s));
      results.push({ ...base, passed: missing.length === 0 && unexpected.length === 0, missing, unexpected });
    } catch (e) {
      results.push({ ...base, passed: false, missing: [], unexpected: [], error: (e as Error).message.split("\n")[0]! });
    }
  }
  return results;
}
