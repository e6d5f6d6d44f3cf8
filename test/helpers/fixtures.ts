import { join } from "node:path";
import { OUT_DIR } from "../../fixtures/generate.js";
import { diagnose } from "../../src/diagnose.js";
import { loadRuleSet } from "../../src/rules/loader.js";
import type { Report } from "../../src/types/report.js";

export function fixturePath(name: string): string {
  return join(OUT_DIR, name);
}

let builtins: Awaited<ReturnType<typeof loadRuleSet>> | undefined;

export async function builtinRules() {
  builtins ??= await loadRuleSet();
  if (builtins.problems.length > 0) throw new Error(`built-in rules have problems: ${JSON.stringify(builtins.problems)}`);
  return builtins.rules;
}

export async function diagnoseFixture(name: string, options: Parameters<typeof diagnose>[2] = {}): Promise<Report> {
  return diagnose(fixturePath(name), await builtinRules(), options);
}

