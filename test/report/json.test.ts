import { describe, expect, it } from "vitest";
import { FORMATTERS } from "../../src/report/formatters/index.js";
import type { Finding } from "../../src/types/finding.js";
import type { Report } from "../../src/types/report.js";
import { corednsDownReport, healthyReport, selectorMismatchReport } from "./sample-reports.js";

const opts = { color: false, verbose: false };

/**
 * The same object with its keys inserted in reverse order: what a different
 * pipeline order would build. Free-form maps (`checked`, a finding's `data`) keep
 * their order: it is the builder's, and meaningful (namespaces before pods).
 */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).reverse();
    return Object.fromEntries(entries.map(([k, v]) => [k, k === "checked" || k === "data" ? v : reversedKeys(v)])) as T;
  }
  return value;
}

describe("json formatter", () => {
  it("round-trips the report: parsing the output gives back the same Report", () => {
    for (const report of [selectorMismatchReport(), corednsDownReport(), healthyReport()]) {
      const parsed = JSON.parse(FORMATTERS.json(report, opts)) as Report;
      expect(parsed).toEqual(JSON.parse(JSON.stringify(report)));
    }
  });

  it("has the SPEC §2 shape with SPEC's key order", () => {
    const parsed = JSON.parse(FORMATTERS.json(selectorMismatchReport(), opts)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["format", "snapshot", "summary", "findings", "coverage", "warnings"]);
    expect(parsed.format).toBe("netdiag-report/v1");
    expect(Object.keys(parsed.snapshot as object)).toEqual(["source", "collectedAt", "cluster", "format"]);
    const summary = parsed.summary as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(["findings", "rootCauses", "advice", "bySeverity"]);
    expect(Object.keys(summary.bySeverity as object)).toEqual(["critical", "high", "medium", "low", "info"]);
    const first = (parsed.findings as Record<string, unknown>[])[0]!;
    expect(Object.keys(first).slice(0, 13)).toEqual([
      "rank", "cause", "ruleId", "layer", "severity", "score", "title", "message", "subjects", "evidence",
      "explains", "remediation", "verify",
    ]);
    expect(Object.keys((first.subjects as object[])[0]!)).toEqual(["kind", "namespace", "name"]);
    expect(Object.keys((first.evidence as object[])[0]!)).toEqual(["file", "path", "excerpt"]);
    expect(Object.keys(parsed.coverage as object)).toEqual(["rulesRun", "rulesSkipped", "checked", "notes"]);
  });

  it("puts the --symptom check last, keys in a fixed order", () => {
    const parsed = JSON.parse(FORMATTERS.json(corednsDownReport(), opts)) as Record<string, unknown>;
    expect(Object.keys(parsed).at(-1)).toBe("symptom");
    const symptom = parsed.symptom as { causes: Record<string, unknown>[] };
    expect(Object.keys(symptom)).toEqual(["id", "description", "causes"]);
    expect(Object.keys(symptom.causes[0]!)).toEqual(["cause", "status", "detail"]);
    expect(Object.keys(JSON.parse(FORMATTERS.json(healthyReport(), opts)) as object)).not.toContain("symptom");
  });

  it("lists findings in rank order whatever order it is given them in", () => {
    const report = corednsDownReport();
    const shuffled: Report = { ...report, findings: [...report.findings].reverse() };
    const findings = (JSON.parse(FORMATTERS.json(shuffled, opts)) as Report).findings;
    expect(findings.map((f) => f.rank)).toEqual([1, 2, 3, 4]);
    expect(findings[0]!.cause).toBe("dns.forward-loop");
  });

  it("is byte-for-byte stable whatever order the objects' keys were built in", () => {
    const report = selectorMismatchReport();
    expect(FORMATTERS.json(reversedKeys(report), opts)).toBe(FORMATTERS.json(report, opts));
  });

  it("keeps the symptom links consumers need to rebuild the tree", () => {
    const findings = (JSON.parse(FORMATTERS.json(selectorMismatchReport(), opts)) as Report).findings;
    const root = findings.find((f) => f.cause === "service.selector-mismatch")!;
    const symptom = findings.find((f) => f.cause === "ingress.backend-no-endpoints")!;
    expect(root.explains).toEqual(["ingress.backend-no-endpoints"]);
    expect(symptom.explainedBy).toBe(root.key);
    expect(symptom.rank).toBeGreaterThan(root.rank);
  });

  it("keeps fields it does not know (a later extension of the Finding shape) after the known ones", () => {
    const report = healthyReport();
    const extra = { ...selectorMismatchReport().findings[0]!, fixture: "x" } as Finding & { fixture: string };
    const parsed = JSON.parse(FORMATTERS.json({ ...report, findings: [extra] }, opts)) as Report;
    const keys = Object.keys(parsed.findings[0]!);
    expect(keys.at(-1)).toBe("fixture");
  });
});
