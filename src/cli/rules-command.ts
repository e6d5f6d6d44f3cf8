/** `diagnose rules list | lint | test`. */
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
  throw new UsageError(`unknown rules command ${sub ?? "(none)"}: use rules list, rules lint or rules test`);
}
