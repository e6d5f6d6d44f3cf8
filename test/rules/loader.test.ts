import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, loadRuleSet, parseRule } from "../../src/rules/loader.js";

const valid = {
  id: "payments-min-two-endpoints",
  cause: "custom.payments-capacity",
  layer: "custom",
  severity: "medium",
  confidence: 0.8,
  title: "Payments Service below two ready endpoints",
  description: "Every Service in namespace payments must have at least 2 ready endpoints.",
  given: { kind: "Service", where: { all: [{ fact: "service.hasSelector", operator: "equal", value: true }] } },
  then: { all: [{ fact: "service.readyEndpointCount", operator: "lessThan", value: 2 }] },
  message: "Service {{subject.ref}} has {{service.readyEndpointCount}} ready endpoints.",
  remediation: ["Scale the workload to 2 replicas or more."],
  verify: ["kubectl get endpointslices -n {{subject.namespace}} -l kubernetes.io/service-name={{subject.name}}"],
};

function problems(rule: unknown): string[] {
  const text = JSON.stringify(rule, null, 2);
  return parseRule("rules/x.json", text, false).problems.map(formatProblem);
}

describe("rule loading", () => {
  it("accepts a valid rule and compiles its templates", () => {
    const { loaded, problems: p } = parseRule("x.json", JSON.stringify(valid), false);
    expect(p).toEqual([]);
    expect(loaded!.conditionFacts).toEqual(["service.hasSelector", "service.readyEndpointCount"]);
    expect(loaded!.message({ subject: { ref: "payments/payments" }, service: { readyEndpointCount: 1 } })).toBe("Service payments/payments has 1 ready endpoints.");
  });

  it("rejects a bad rule with file, line, field and reason", () => {
    const rule = { ...valid, severity: "urgent" };
    const [p] = problems(rule);
    expect(p).toMatch(/^rules\/x\.json:5: severity: Invalid option: expected one of "critical"\|"high"\|"medium"\|"low"\|"info"$/);
  });

  it("rejects unknown facts and facts of another subject kind", () => {
    expect(problems({ ...valid, then: { all: [{ fact: "service.readyEndpoints", operator: "lessThan", value: 2 }] } })).toEqual([expect.stringMatching(/then: unknown fact service\.readyEndpoints \(every fact is listed in docs\/facts\.md\)$/)]);
    expect(problems({ ...valid, then: { all: [{ fact: "node.ready", operator: "equal", value: false }] } })).toEqual([expect.stringMatching(/then: fact node\.ready belongs to Node subjects, but the rule is given Service$/)]);
  });

  it("rejects jsonpath filter expressions, which could run code", () => {
    const rule = { ...valid, then: { all: [{ fact: "service.nearestPods", path: "$[?(@.name.constructor.constructor('return process')())]", operator: "isNotEmpty", value: true }] } };
    expect(problems(rule).join()).toMatch(/only dotted paths are allowed/);
  });

  it("rejects template partials, unknown helpers, and typos in fact names inside templates", () => {
    expect(problems({ ...valid, message: "{{> evil}}" }).join()).toMatch(/partials and decorators are not allowed/);
    expect(problems({ ...valid, message: "{{lookup subject 'constructor'}}" }).join()).toMatch(/message: template error/);
    expect(problems({ ...valid, message: "{{service.readyEndpoints}}" }).join()).toMatch(/message: template error: "readyEndpoints" not defined/);
  });

  it("reports invalid JSON with its line", () => {
    const { problems: p } = parseRule("bad.json", '{\n  "id": "x",\n  "cause": \n}', false);
    expect(formatProblem(p[0]!)).toMatch(/^bad\.json:4: invalid JSON/);
  });

  it("lets a custom rule override a built-in by id, and switch one off", async () => {
    const dir = await mkdtemp(join(tmpdir(), "netdiag-rules-"));
    await mkdir(join(dir, "team"));
    await writeFile(join(dir, "team/override.json"), JSON.stringify({ ...valid, id: "service-no-ready-endpoints", cause: "service.no-ready-endpoints", layer: "service", severity: "critical" }));
    await writeFile(join(dir, "team/off.json"), JSON.stringify({ id: "workload-no-graceful-shutdown", enabled: false }));
    await writeFile(join(dir, "team/new.json"), JSON.stringify(valid));
    const set = await loadRuleSet([dir]);
    expect(set.problems).toEqual([]);
    const ids = set.rules.map((r) => r.rule.id);
    expect(ids).toContain("payments-min-two-endpoints");
    expect(ids).not.toContain("workload-no-graceful-shutdown");
    expect(set.rules.filter((r) => r.rule.id === "service-no-ready-endpoints").map((r) => [r.builtin, r.rule.severity])).toEqual([[false, "critical"]]);
  });

  it("loads every built-in rule without a problem", async () => {
    const set = await loadRuleSet();
    expect(set.problems).toEqual([]);
    expect(set.rules.length).toBeGreaterThanOrEqual(20);
    for (const r of set.rules) expect(r.file).toBe(`rules/${r.rule.layer}/${r.rule.id}.json`);
  });
});
