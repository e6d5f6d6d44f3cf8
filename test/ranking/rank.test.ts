import { describe, expect, it } from "vitest";
import { rankFindings } from "../../src/ranking/rank.js";
import type { Candidate } from "../../src/rules/evaluate.js";
import type { LoadedRule } from "../../src/rules/loader.js";
import { refKey, type ObjectRef } from "../../src/types/evidence.js";
import type { Finding, Severity } from "../../src/types/finding.js";

function candidate(cause: string, severity: Severity, subject: ObjectRef, opts: { explains?: string[]; scope?: ObjectRef[]; cluster?: boolean; advice?: boolean; confidence?: number; impact?: number } = {}): Candidate {
  const finding = {
    key: `${cause}@${refKey(subject)}`, rank: 0, cause, ruleId: cause.replace(".", "-"), layer: cause.split(".")[0], severity, confidence: opts.confidence ?? 0.9, score: 0,
    title: cause, message: cause, subjects: [subject], evidence: [], explains: [], explainedFindings: [], impact: opts.impact ?? 1, advice: !!opts.advice, remediation: [], verify: [], data: {},
  } as Finding;
  const rule = { rule: { explains: opts.explains ?? [], explainsScope: opts.cluster ? "cluster" : "related" } } as unknown as LoadedRule;
  return { finding, rule, subjectKeys: new Set([refKey(subject)]), relatedKeys: new Set([refKey(subject), ...(opts.scope ?? []).map(refKey)]) };
}

const svcWeb = { kind: "Service", namespace: "shop", name: "web" };
const ingShop = { kind: "Ingress", namespace: "shop", name: "shop" };
const svcApi = { kind: "Service", namespace: "shop", name: "api" };

describe("ranking", () => {
  it("attaches a symptom under the root cause that explains it and shares an object", () => {
    const ranked = rankFindings([
      candidate("ingress.backend-no-endpoints", "critical", ingShop, { scope: [svcWeb] }),
      candidate("service.selector-mismatch", "high", svcWeb, { explains: ["ingress.backend-no-endpoints"] }),
    ]);
    expect(ranked.map((f) => [f.rank, f.cause, f.explainedBy ?? null])).toEqual([
      [1, "service.selector-mismatch", null],
      [2, "ingress.backend-no-endpoints", "service.selector-mismatch@Service/shop/web"],
    ]);
    expect(ranked[0]!.explains).toEqual(["ingress.backend-no-endpoints"]);
  });

  it("does not attach a symptom about another object", () => {
    const ranked = rankFindings([
      candidate("service.no-ready-endpoints", "high", svcApi),
      candidate("service.selector-mismatch", "high", svcWeb, { explains: ["service.no-ready-endpoints"] }),
    ]);
    expect(ranked.every((f) => !f.explainedBy)).toBe(true);
  });

  it("cluster-scoped roots explain symptoms anywhere; layer wildcards match", () => {
    const dns = { kind: "Service", namespace: "kube-system", name: "kube-dns" };
    const ranked = rankFindings([candidate("workload.readiness-failing", "high", svcApi), candidate("dns.coredns-unavailable", "critical", dns, { explains: ["workload.*"], cluster: true })]);
    expect(ranked[1]!.explainedBy).toBe("dns.coredns-unavailable@Service/kube-system/kube-dns");
  });

  it("breaks explanation cycles: the stronger finding stays the root", () => {
    const ranked = rankFindings([
      candidate("workload.crashloop", "high", svcWeb, { explains: ["workload.oom-or-evicted"] }),
      candidate("workload.oom-or-evicted", "medium", svcWeb, { explains: ["workload.crashloop"] }),
    ]);
    expect(ranked.map((f) => [f.cause, f.explainedBy ?? null])).toEqual([["workload.crashloop", null], ["workload.oom-or-evicted", "workload.crashloop@Service/shop/web"]]);
  });

  it("ranks by score (severity × confidence, impact, symptoms explained) and puts advice last", () => {
    const ranked = rankFindings([
      candidate("workload.no-readiness-probe", "critical", svcWeb, { advice: true }),
      candidate("service.selector-too-broad", "medium", svcApi),
      candidate("node.not-ready", "critical", { kind: "Node", name: "n1" }, { impact: 40 }),
      candidate("service.no-ready-endpoints", "high", svcWeb),
    ]);
    expect(ranked.map((f) => f.cause)).toEqual(["node.not-ready", "service.no-ready-endpoints", "service.selector-too-broad", "workload.no-readiness-probe"]);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });

  it("--focus ranks findings about the named workload first", () => {
    const ranked = rankFindings([candidate("node.not-ready", "critical", { kind: "Node", name: "n1" }), candidate("service.selector-too-broad", "medium", svcApi)], { focus: "shop/api" });
    expect(ranked[0]!.cause).toBe("service.selector-too-broad");
  });
});
