/**
 * The `diagnose` command line (SPEC §3). Exit codes: 0 diagnosed (nothing at
 * or above --fail-on), 1 findings at or above --fail-on, 2 bad usage or an
 * unreadable snapshot or rule file — always with one line on stderr, never a
 * stack trace.
 */
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { diagnose } from "../diagnose.js";
import { loadRuleSet, formatProblem, type RuleSet } from "../rules/loader.js";
import { findSymptom, SYMPTOMS } from "../ranking/symptoms.js";
import { FORMATTERS, type FormatName } from "../report/formatters/index.js";
import { SnapshotError, DEFAULT_LIMITS, type ReadLimits } from "../snapshot/types.js";
import { SEVERITIES, severityAtLeast, type Severity } from "../types/finding.js";
import { all, bool, one, parseArgs, UsageError } from "./args.js";
import { rulesCommand } from "./rules-command.js";
import { canReachCommand } from "./can-reach-command.js";

const HELP = `Usage:
  diagnose <snapshot> [options]            ranked root-cause report of a kube-netdiag snapshot
  diagnose rules list [--rules PATH]...    the rules that would run
  diagnose rules lint PATH...              check rule files (file:line: field: problem)
  diagnose rules test PATH...              run the test cases beside rule files
  diagnose can-reach <snapshot> SRC DST[:PORT[/PROTO]]
                                           may SRC connect to DST under the NetworkPolicies, and why
                                           (SRC/DST: ns/pod, ns/svc/NAME or an IP; see can-reach --help)

<snapshot> is a .tgz/.tar.gz/.tar made by collectors/collect.sh, or a directory.

Options:
  --format text|json|md|html   output format (default text)
  -o, --output FILE            write the report to FILE instead of stdout
  --rules DIR|FILE             add custom JSON rules (repeatable); same id overrides a built-in
  --focus NS/NAME              rank findings about this workload, Service or node first
  --symptom ID                 rank the candidate causes of a symptom first (see --list-symptoms)
  --list-symptoms              list symptom ids
  --fail-on SEVERITY           exit 1 if a finding at or above SEVERITY exists
                               (critical, high, medium, low, info)
  -v, --verbose                show evidence in the terminal report
  --no-color                   no colors (also NO_COLOR=1; colors only on a terminal)
  --max-snapshot-mb N          refuse snapshots larger than N MiB unpacked (default ${DEFAULT_LIMITS.maxTotalBytes / 1024 / 1024})
  -h, --help                   this help
  --version                    print the version

Exit codes: 0 diagnosed, 1 findings at or above --fail-on, 2 bad usage or unreadable input
(can-reach: 0 allowed, 1 denied, 2 bad input).`;

const DIAGNOSE_FLAGS = {
  format: { value: true },
  output: { value: true, alias: "-o" },
  rules: { value: true, repeatable: true },
  focus: { value: true },
  symptom: { value: true },
  "list-symptoms": {},
  "fail-on": { value: true },
  verbose: { alias: "-v" },
  "no-color": {},
  "max-snapshot-mb": { value: true },
  help: { alias: "-h" },
  version: {},
};

function version(): string {
  return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === "rules") return await rulesCommand(argv.slice(1));
    if (argv[0] === "can-reach") return await canReachCommand(argv.slice(1));
    return await diagnoseCommand(argv);
  } catch (e) {
    return fail(e);
  }
}

function fail(e: unknown): number {
  if (e instanceof UsageError || e instanceof SnapshotError || e instanceof RuleLoadError) {
    process.stderr.write(`diagnose: ${oneLine(e.message)}\n`);
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`diagnose: internal error: ${oneLine(msg.split("\n")[0] ?? "")} (please report this with the snapshot)\n`);
    if (process.env.NETDIAG_DEBUG) process.stderr.write(`${(e as Error).stack ?? ""}\n`);
  }
  return 2;
}

/** Messages may quote snapshot content (entry names, file names): keep them on one line. */
function oneLine(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f]+/g, " ");
}

export class RuleLoadError extends Error {
  override name = "RuleLoadError";
}

/** Refuse to diagnose with broken rules: a silently missing rule is a silently missed cause. */
export function requireValidRules(set: RuleSet): void {
  if (set.problems.length === 0) return;
  const [first] = set.problems;
  const more = set.problems.length > 1 ? ` (and ${set.problems.length - 1} more problems: run diagnose rules lint)` : "";
  throw new RuleLoadError(`invalid rule: ${formatProblem(first!)}${more}`);
}

function parseSeverity(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new UsageError(`--fail-on takes one of ${SEVERITIES.join(", ")}, not "${value}"`);
  return value as Severity;
}

function parseLimits(value: string | undefined): ReadLimits {
  if (value === undefined) return DEFAULT_LIMITS;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`--max-snapshot-mb takes a positive number, not "${value}"`);
  const total = Math.round(mb * 1024 * 1024);
  return { ...DEFAULT_LIMITS, maxTotalBytes: total, maxEntryBytes: Math.min(DEFAULT_LIMITS.maxEntryBytes, total) };
}

async function diagnoseCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, DIAGNOSE_FLAGS);
  if (bool(args, "help")) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (bool(args, "version")) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (bool(args, "list-symptoms")) {
    for (const s of SYMPTOMS) process.stdout.write(`${s.id.padEnd(22)}${s.description}\n`);
    return 0;
  }
  const [source, ...extra] = args.positionals;
  if (!source) throw new UsageError("missing snapshot: diagnose <snapshot.tgz|dir> (see diagnose --help)");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]} (one snapshot at a time)`);
  const format = (one(args, "format") ?? "text") as FormatName;
  if (!Object.hasOwn(FORMATTERS, format)) throw new UsageError(`--format takes one of ${Object.keys(FORMATTERS).join(", ")}, not "${format}"`);
  const failOn = parseSeverity(one(args, "fail-on"));
  const symptomId = one(args, "symptom");
  const symptom = symptomId === undefined ? undefined : findSymptom(symptomId);
  if (symptomId !== undefined && !symptom) throw new UsageError(`unknown symptom "${symptomId}" (see diagnose --list-symptoms)`);
  const limits = parseLimits(one(args, "max-snapshot-mb"));

  const ruleSet = await loadRuleSet(all(args, "rules"));
  requireValidRules(ruleSet);
  const output = one(args, "output");
  const showProgress = process.stderr.isTTY && !process.env.CI;
  const report = await diagnose(source, ruleSet.rules, {
    limits,
    ...(one(args, "focus") ? { focus: one(args, "focus")! } : {}),
    ...(symptom ? { symptom } : {}),
    ...(showProgress ? { onStage: (stage: string) => process.stderr.write(`\u001b[2K\r… ${stage}`) } : {}),
  });
  if (showProgress) process.stderr.write("\u001b[2K\r");
  const color = format === "text" && !output && process.stdout.isTTY === true && !process.env.NO_COLOR && !bool(args, "no-color");
  const width = format === "text" && !output && process.stdout.columns ? { width: process.stdout.columns } : {};
  const rendered = FORMATTERS[format](report, { color, verbose: bool(args, "verbose"), ...width });
  if (output) await writeFile(output, rendered);
  else process.stdout.write(rendered);
  if (failOn && report.findings.some((f) => severityAtLeast(f.severity, failOn))) return 1;
  return 0;
}
