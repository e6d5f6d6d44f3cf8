/**
 * Every fixture scenario diagnosed with all built-in rules: the rank-1 cause,
 * its subjects and attached symptoms are what the scenario's `expect` says,
 * every finding cites evidence, and the healthy fixtures raise nothing above low.
 */
import { describe, expect, it } from "vitest";
import { listScenarios, loadScenario } from "../fixtures/generate.js";
import { refKey } from "../src/types/evidence.js";
import { severityAtLeast } from "../src/types/finding.js";
import { diagnoseFixture } from "./helpers/fixtures.js";

const names = await listScenarios();

describe.each(names)("scenario %s", (name) => {
  it("is diagnosed as its description says", async () => {
    const scenario = await loadScenario(name);
    const expectation = scenario.expect;
    expect(expectation, `${name}.yaml needs an expect: block`).toBeDefined();
    const report = await diagnoseFixture(name);
    const roots = report.findings.filter((f) => !f.explainedBy);
    const summary = report.findings.map((f) => `${f.rank}. ${f.severity} ${f.cause}${f.explainedBy ? ` (under ${f.explainedBy})` : ""}`).join("\n");

    if (expectation!.rank1 === "none") {
      expect(report.findings.filter((f) => severityAtLeast(f.severity, "medium")), summary).toEqual([]);
    } else if (expectation!.rank1) {
      const top = report.findings[0];
      expect(top?.cause, summary).toBe(expectation!.rank1);
      for (const s of expectation!.subjects ?? []) expect(top!.subjects.map(refKey)).toContain(s);
      for (const symptom of expectation!.symptoms ?? []) {
        const attached = report.findings.filter((f) => f.cause === symptom);
        expect(attached.length, `${symptom} expected as a symptom\n${summary}`).toBeGreaterThan(0);
        for (const f of attached) expect(f.explainedBy, summary).toBeDefined();
        expect(top!.explains).toContain(symptom);
      }
    }
    for (const cause of expectation!.roots ?? []) expect(roots.map((f) => f.cause), summary).toContain(cause);
    for (const cause of expectation!.absent ?? []) expect(report.findings.map((f) => f.cause), summary).not.toContain(cause);

    for (const f of report.findings) {
      expect(f.evidence.length, `${f.key} cites no evidence`).toBeGreaterThan(0);
      for (const e of f.evidence) expect(e.path !== undefined || e.line !== undefined || e.file.startsWith("resources/"), JSON.stringify(e)).toBe(true);
      expect(f.verify.length).toBeGreaterThan(0);
      expect(f.message).not.toMatch(/\{\{|undefined|\[object Object\]/);
    }
    expect(report.warnings).toEqual([]);
  });
});

describe("fixtures/demo.tgz (the README quick start)", () => {
  it("is the demo scenario, regenerated (npm run fixtures)", async () => {
    const { readSnapshot } = await import("../src/snapshot/reader.js");
    const { expandScenario } = await import("../fixtures/lib/expand.js");
    const { join } = await import("node:path");
    const shipped = await readSnapshot(join(import.meta.dirname, "../fixtures/demo.tgz"));
    const expected = expandScenario(await loadScenario("demo"));
    expect([...shipped.files.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, text] of expected) expect(shipped.files.get(path)?.toString("utf8"), path).toBe(text);
  });
});
