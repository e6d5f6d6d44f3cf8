/**
 * Loads rule files: the built-ins under `rules/` and any `--rules DIR|FILE`.
 * Each file is parsed, validated against the zod schema, checked against the
 * fact catalog (every fact must exist and belong to the rule's subject kind)
 * and its templates compiled and rendered once with the facts' examples, so a
 * broken rule is a load error with file, line and field — never a surprise
 * at diagnosis time.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FACT_DEFINITIONS } from "../facts/index.js";
import { describeJsonError, jsonErrorOffset } from "../model/json-error.js";
import { LAYERS } from "../types/finding.js";
import { DisableRuleSchema, RuleSchema, type Condition, type Rule } from "./schema.js";
import { compileTemplate, templateContext, type Template } from "./templates.js";

export const BUILTIN_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../rules");

export interface LoadedRule {
  rule: Rule;
  file: string;
  builtin: boolean;
  /** Facts tested by `given.where` and `then`: their evidence is cited. */
  conditionFacts: string[];
  /** Every fact the rule needs (conditions, evidence, objects, data, impact). */
  facts: string[];
  message: Template;
  remediation: Template[];
  verify: Template[];
}

export interface RuleProblem {
  file: string;
  line?: number;
  field?: string;
  message: string;
}

export function formatProblem(p: RuleProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ""}: ${p.field ? `${p.field}: ` : ""}${p.message}`;
}

export interface RuleSet {
  rules: LoadedRule[];
  /** Built-in ids switched off by custom rules. */
  disabled: string[];
  problems: RuleProblem[];
}

/** Rule files are `*.json` except JSON Schemas; test cases live in `*.cases.yaml` beside them. */
function isRuleFile(name: string): boolean {
  return name.endsWith(".json") && !name.endsWith(".schema.json");
}

export async function listRuleFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") await walk(full);
      else if (e.isFile() && isRuleFile(e.name)) out.push(full);
    }
  };
  await walk(path);
  return out;
}

/** 1-based line of the JSON value at a zod issue path (good enough to jump to the field). */
export function lineOfPath(text: string, path: readonly PropertyKey[]): number | undefined {
  let pos = 0;
  for (const seg of path) {
    if (typeof seg !== "string") continue;
    const at = text.indexOf(`"${seg}"`, pos);
    if (at < 0) break;
    pos = at;
  }
  return pos === 0 && path.length > 0 ? undefined : text.slice(0, pos).split("\n").length;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
}

export function conditionFacts(c: Condition | undefined, out: string[] = []): string[] {
  if (!c) return out;
  if ("all" in c) c.all.forEach((x) => conditionFacts(x, out));
  else if ("any" in c) c.any.forEach((x) => conditionFacts(x, out));
  else if ("not" in c) conditionFacts(c.not, out);
  else {
    out.push(c.fact);
    const v = c.value as { fact?: unknown } | null;
    if (v && typeof v === "object" && !Array.isArray(v) && typeof v.fact === "string") out.push(v.fact);
  }
  return out;
}

interface Parsed {
  loaded?: LoadedRule;
  disable?: string;
  problems: RuleProblem[];
}

export function parseRule(file: string, text: string, builtin: boolean): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorOffset(text);
    return { problems: [{ file, ...(at >= 0 ? { line: text.slice(0, at).split("\n").length } : {}), message: describeJsonError(text, e).replace(/ at line \d+/, "") }] };
  }
  const disable = DisableRuleSchema.safeParse(json);
  if (disable.success) return { disable: disable.data.id, problems: [] };
  const parsed = RuleSchema.safeParse(json);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => {
        const line = lineOfPath(text, i.path);
        return { file, ...(line ? { line } : {}), field: formatPath(i.path) || "(root)", message: i.message };
      }),
    };
  }
  const rule = parsed.data;
  const problems: RuleProblem[] = [];
  const problem = (field: string, message: string, needle?: string) => {
    const at = needle ? text.indexOf(needle) : -1;
    const line = at >= 0 ? text.slice(0, at).split("\n").length : lineOfPath(text, field.split("."));
    problems.push({ file, ...(line ? { line } : {}), field, message });
  };
  const layerOfCause = rule.cause.split(".")[0]!;
  if (rule.layer !== "custom" && layerOfCause !== rule.layer && (LAYERS as readonly string[]).includes(layerOfCause)) {
    problem("cause", `cause ${rule.cause} belongs to layer ${layerOfCause}, but the rule says layer ${rule.layer}`);
  }
  const inConditions = [...new Set([...conditionFacts(rule.given.where), ...conditionFacts(rule.then), ...rule.confidenceWhen.flatMap((c) => conditionFacts(c.when))])];
  const all = [...new Set([...inConditions, ...rule.evidence, ...rule.objects, ...rule.data, ...(rule.impact ? [rule.impact] : [])])];
  for (const name of all) {
    const def = FACT_DEFINITIONS.get(name);
    if (!def) problem(fieldOfFact(rule, name), `unknown fact ${name} (every fact is listed in docs/facts.md)`, `"${name}"`);
    else if (def.subject !== rule.given.kind) problem(fieldOfFact(rule, name), `fact ${name} belongs to ${def.subject} subjects, but the rule is given ${rule.given.kind}`, `"${name}"`);
  }
  if (problems.length > 0) return { problems };
  const compiled = compileRuleTemplates(rule, file, text, problems);
  if (!compiled) return { problems };
  return { loaded: { rule, file, builtin, conditionFacts: inConditions, facts: all, ...compiled }, problems };
}

function fieldOfFact(rule: Rule, name: string): string {
  if (rule.evidence.includes(name)) return "evidence";
  if (rule.objects.includes(name)) return "objects";
  if (rule.data.includes(name)) return "data";
  if (rule.impact === name) return "impact";
  return conditionFacts(rule.given.where).includes(name) ? "given.where" : "then";
}

/** Compile every template and render it once, strictly, against the facts' documented examples. */
function compileRuleTemplates(rule: Rule, file: string, text: string, problems: RuleProblem[]): Pick<LoadedRule, "message" | "remediation" | "verify"> | undefined {
  const examples: Record<string, unknown> = {};
  for (const def of FACT_DEFINITIONS.values()) if (def.subject === rule.given.kind) examples[def.name] = def.example;
  const context = templateContext({ kind: rule.given.kind, namespace: "example-ns", name: "example" }, examples);
  const compile = (field: string, source: string): Template | undefined => {
    try {
      compileTemplate(source, true)(context);
      return compileTemplate(source);
    } catch (e) {
      const line = lineOfPath(text, [field]);
      problems.push({ file, ...(line ? { line } : {}), field, message: `template error: ${(e as Error).message.split("\n")[0]}` });
      return undefined;
    }
  };
  const message = compile("message", rule.message);
  const remediation = rule.remediation.map((r) => compile("remediation", r));
  const verify = rule.verify.map((v) => compile("verify", v));
  if (!message || remediation.some((r) => !r) || verify.some((v) => !v)) return undefined;
  return { message, remediation: remediation as Template[], verify: verify as Template[] };
}

export async function loadRuleFiles(paths: string[], builtin: boolean): Promise<RuleSet> {
  const set: RuleSet = { rules: [], disabled: [], problems: [] };
  for (const root of paths) {
    let files: string[];
    try {
      files = await listRuleFiles(root);
    } catch (e) {
      set.problems.push({ file: root, message: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message });
      continue;
    }
    for (const file of files) {
      const shown = builtin ? relative(resolve(BUILTIN_RULES_DIR, ".."), file) : file;
      const { loaded, disable, problems } = parseRule(shown, await readFile(file, "utf8"), builtin);
      set.problems.push(...problems);
      if (loaded) set.rules.push(loaded);
      if (disable) set.disabled.push(disable);
    }
  }
  const seen = new Map<string, string>();
  for (const r of set.rules) {
    const other = seen.get(r.rule.id);
    if (other) set.problems.push({ file: r.file, field: "id", message: `duplicate rule id ${r.rule.id} (also in ${other})` });
    seen.set(r.rule.id, r.file);
  }
  return set;
}

/** Built-ins, then custom rules: a custom rule replaces a built-in of the same id; `enabled: false` switches one off. */
export async function loadRuleSet(customPaths: string[] = []): Promise<RuleSet> {
  const builtins = await loadRuleFiles([BUILTIN_RULES_DIR], true);
  const custom = await loadRuleFiles(customPaths, false);
  const overridden = new Set(custom.rules.map((r) => r.rule.id));
  const disabled = new Set([...custom.disabled, ...custom.rules.filter((r) => !r.rule.enabled).map((r) => r.rule.id)]);
  const rules = [...builtins.rules.filter((r) => !overridden.has(r.rule.id)), ...custom.rules].filter((r) => !disabled.has(r.rule.id));
  return { rules, disabled: [...disabled], problems: [...builtins.problems, ...custom.problems] };
}
