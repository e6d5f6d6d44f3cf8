/**
 * Every built-in rule, run alone on the snapshots its `<id>.cases.yaml` lists,
 * reports exactly the expected subjects: its positive fixtures, nothing on the
 * healthy ones, nothing on the other faults listed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { casesFileFor, readCases, runRuleCases } from "../../src/rules/cases.js";
import { BUILTIN_RULES_DIR } from "../../src/rules/loader.js";
import { builtinRules } from "../helpers/fixtures.js";

const rules = await builtinRules();

describe.each(rules.map((r) => [r.rule.id, r] as const))("rule %s", (_id, rule) => {
  const onDisk = join(BUILTIN_RULES_DIR, "..", rule.file);

  it("has cases: at least one positive, the healthy fixtures and a negative", async () => {
    const cases = await readCases(casesFileFor(onDisk));
    expect(cases, `missing ${casesFileFor(rule.file)}`).toBeDefined();
    expect(cases!.some((c) => c.expect.length > 0)).toBe(true);
    expect(cases!.map((c) => c.snapshot)).toEqual(expect.arrayContaining(["../../fixtures/out/healthy", "../../fixtures/out/healthy-edge-cases"]));
  });

  it("reports exactly the expected subjects on each case", async () => {
    const results = await runRuleCases(rule, onDisk);
    for (const r of results) expect({ case: r.name, error: r.error, missing: r.missing, unexpected: r.unexpected }).toEqual({ case: r.name, error: undefined, missing: [], unexpected: [] });
  });
});
