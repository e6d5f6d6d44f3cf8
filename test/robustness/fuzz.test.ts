/**
 * Fuzzing harness: seeded mutations of every fixture snapshot, each run
 * through the real CLI entry. The only acceptable outcomes are a report (exit
 * 0 or 1) or exit 2 with exactly one stderr line starting "diagnose: " — never
 * an internal error, a stack trace, a crash or a hang.
 *
 * Bounded for CI: NETDIAG_FUZZ_CASES (default 300) cases from NETDIAG_FUZZ_SEED
 * (default fixed). A failure prints the case's seed and mutations; rerun it
 * alone with NETDIAG_FUZZ_SEED=<seed> NETDIAG_FUZZ_CASES=1.
 */
import { describe, expect, it } from "vitest";
import { listScenarios } from "../../fixtures/generate.js";
import { mutateSnapshot, Rng } from "./mutate.js";
import { runMain, STACK_TRACE, type CliRun } from "./run-main.js";
import { fixtureEntries, scratchFile, type Entries } from "./snapshots.js";

const CASES = Number(process.env.NETDIAG_FUZZ_CASES ?? 300);
const SEED = Number(process.env.NETDIAG_FUZZ_SEED ?? 20261122);
/** A hang guard, not a performance assertion: a fixture diagnoses in well under a second. */
const CASE_TIMEOUT_MS = 15_000;

function verdict(r: CliRun, format: string): string | undefined {
  if (![0, 1, 2].includes(r.code)) return `exit code ${r.code}`;
  if (STACK_TRACE.test(r.stderr) || STACK_TRACE.test(r.stdout)) return "stack trace printed";
  if (r.stderr.includes("internal error")) return `internal error: ${r.stderr.trim()}`;
  if (r.code === 2) {
    if (!/^diagnose: [^\n]+\n$/.test(r.stderr)) return `exit 2 without exactly one "diagnose: " line: ${JSON.stringify(r.stderr.slice(0, 300))}`;
    if (r.stdout !== "") return "exit 2 with a report on stdout";
    return undefined;
  }
  if (r.stderr !== "") return `a report with stderr output: ${JSON.stringify(r.stderr.slice(0, 300))}`;
  if (format === "json") {
    try {
      const report = JSON.parse(r.stdout) as { format?: string };
      if (report.format !== "netdiag-report/v1") return "json report without its format";
    } catch {
      return "--format json printed something that is not JSON";
    }
  }
  return undefined;
}

async function withHangGuard<T>(work: Promise<T>, ms: number): Promise<T | "hang"> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<"hang">((resolve) => (timer = setTimeout(() => resolve("hang"), ms)));
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe("fuzzing the CLI with mutated fixture snapshots", () => {
  it(`${CASES} seeded cases: a report or one clean line, never a crash, stack trace or hang`, { timeout: 10 * 60_000 }, async () => {
    const names = await listScenarios();
    const fixtures = new Map<string, Entries>();
    for (const n of names) fixtures.set(n, await fixtureEntries(n));
    const outcomes = { report: 0, failOn: 0, refused: 0 };
    const failures: string[] = [];
    const picker = new Rng(SEED);
    for (let c = 0; c < CASES; c++) {
      const seed = SEED + c;
      const name = picker.pick(names);
      const mutated = await mutateSnapshot(seed, fixtures.get(name)!);
      const format = picker.pick(["json", "text", "md", "html"]);
      const args = [await scratchFile(`case-${c}.${mutated.extension}`, mutated.bytes), "--format", format, ...(picker.chance(0.3) ? ["--fail-on", "medium"] : [])];
      const what = `case ${c} (NETDIAG_FUZZ_SEED=${seed}): ${name} ${mutated.steps.join("; ")} → diagnose ${args.slice(1).join(" ")}`;
      let result: CliRun | "hang";
      try {
        result = await withHangGuard(runMain(args), CASE_TIMEOUT_MS);
      } catch (e) {
        failures.push(`${what}: main() threw ${(e as Error).stack}`);
        continue;
      }
      if (result === "hang") {
        failures.push(`${what}: no result within ${CASE_TIMEOUT_MS} ms`);
        continue;
      }
      const problem = verdict(result, format);
      if (problem) failures.push(`${what}: ${problem}`);
      outcomes[result.code === 0 ? "report" : result.code === 1 ? "failOn" : "refused"]++;
    }
    console.log(`fuzz: ${CASES} cases run (seed ${SEED}): ${outcomes.report} reports, ${outcomes.failOn} exit 1 (--fail-on), ${outcomes.refused} refused with one line, ${failures.length} failures`);
    expect(failures, failures.slice(0, 5).join("\n\n")).toEqual([]);
    // A harness whose mutations never get past the reader tests nothing: both outcomes must occur.
    expect(outcomes.report + outcomes.failOn).toBeGreaterThan(CASES / 4);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
