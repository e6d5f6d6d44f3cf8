/** `diagnose rules list | lint | test`. */
import { resolve } from "node:path";
import { runRuleCases, type CaseResult } from "../rules/cases.js";
import { loadRuleFiles, loadRuleSet, formatProblem } from "../rules/loader.js";
import { all, parseArgs, UsageError } from "./args.js";

export async function rulesCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "list") {
    const args = parseArgs(rest, { rules: { value: true, repeatable: true } });
    const set = await loadRuleSet(all(args, "rules"));
    for (const p of set.problems) process.stderr.write(`${formatProblem(p)}\n`);
    for (const r of [...set.rules].sort((a, b) => a.rule.layer.localeCompare(b.rule.layer) || a.rule.id.localeCompare(b.rule.id))) {
      process.stdout.write(`${r.rule.layer.padEnd(9)}${r.rule.severity.padEnd(10)}${r.rule.id.padEnd(44)}${r.rule.cause}${r.builtin ? "" : "  (custom)"}\n`);
    }
    return set.problems.length > 0 ? 2 : 0;
  }
  if (sub === "lint") {
    const paths = parseArgs(rest, {}).positionals;
    if (paths.length === 0) throw new UsageError("rules lint needs a rule file or directory");
    const set = await loadRuleFiles(paths, false);
    for (const p of set.problems) process.stdout.write(`${formatProblem(p)}\n`);
    process.stdout.write(`${set.rules.length + set.disabled.length} rules checked, ${set.problems.length} problems\n`);
    return set.problems.length > 0 ? 2 : 0;
  }
  if (sub === "test") {
    const paths = parseArgs(rest, {}).positionals;
    if (paths.length === 0) throw new UsageError("rules test needs a rule file or directory");
    const set = await loadRuleFiles(paths, false);
    for (const p of set.problems) process.stdout.write(`✗ ${formatProblem(p)}\n`);
    const results: CaseResult[] = [];
    for (const r of set.rules) {
      for (const res of await runRuleCases(r, resolve(r.file))) {
        results.push(res);
        process.stdout.write(`${res.passed ? "✓" : "✗"} ${res.ruleId} › ${res.name}\n`);
        if (res.error) process.stdout.write(`    ${res.error}\n`);
        if (res.missing.length) process.stdout.write(`    expected but not found: ${res.missing.join(", ")}\n`);
        if (res.unexpected.length) process.stdout.write(`    found but not expected: ${res.unexpected.join(", ")}\n`);
      }
    }
    const failed = results.filter((r) => !r.passed).length + set.problems.length;
    const untested = set.rules.filter((r) => !results.some((x) => x.ruleId === r.rule.id)).map((r) => r.rule.id);
    if (untested.length) process.stdout.write(`rules without cases: ${untested.join(", ")}\n`);
    process.stdout.write(`${results.length - (failed - set.problems.length)} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  }
  throw new UsageError(`unknown rules command ${sub ?? "(none)"}: use rules list, rules lint or rules test`);
}
