import { describe, expect, it } from "vitest";
import { backtickFence, codeSpan, fencedBlock, inlineMarkdown } from "../../src/report/markdown-escape.js";
import { boxOf, diagramStatus, foldSymptoms, oneLine, showUnsafeChars } from "../../src/report/view.js";
import type { Finding } from "../../src/types/finding.js";
import { corednsDownReport, healthyReport, selectorMismatchReport } from "./sample-reports.js";

const keysOf = (nodes: ReturnType<typeof foldSymptoms>): unknown =>
  nodes.map((n) => ({ rank: n.finding.rank, symptoms: keysOf(n.symptoms) }));

describe("foldSymptoms", () => {
  it("nests each symptom under the finding its explainedBy names, roots and children in rank order", () => {
    const tree = foldSymptoms(corednsDownReport().findings);
    expect(keysOf(tree)).toEqual([
      { rank: 1, symptoms: [{ rank: 3, symptoms: [{ rank: 4, symptoms: [] }] }] },
      { rank: 2, symptoms: [] },
    ]);
  });

  it("shows a symptom whose root is not in the report as a root rather than losing it", () => {
    const findings = selectorMismatchReport().findings.filter((f) => f.cause !== "service.selector-mismatch");
    const tree = foldSymptoms(findings);
    expect(tree.map((n) => n.finding.cause)).toContain("ingress.backend-no-endpoints");
  });

  it("surfaces findings on an explainedBy cycle instead of dropping them", () => {
    const [a, b] = corednsDownReport().findings as [Finding, Finding];
    const cyclic = [
      { ...a, explainedBy: b.key },
      { ...b, explainedBy: a.key },
    ];
    const tree = foldSymptoms(cyclic);
    const all = (nodes: ReturnType<typeof foldSymptoms>): number => nodes.reduce((n, x) => n + 1 + all(x.symptoms), 0);
    expect(all(tree)).toBe(2);
  });
});

describe("request-path diagram", () => {
  it("colors each box by its worst finding and maps layers onto boxes", () => {
    const boxes = Object.fromEntries(diagramStatus(selectorMismatchReport()).map((b) => [b.id, b]));
    expect(boxes.service!.worst).toBe("high");
    expect(boxes.ingress!.worst).toBe("medium");
    expect(boxes.pod!.worst).toBe("medium"); // proxy-env (medium) beats the low advice
    expect(boxes.pod!.findings).toBe(2);
    expect(boxes.endpoints!.worst).toBeUndefined();
    expect(boxes.proxy!.skipped).toBe(1); // proxy.rules-missing could not run
    expect(boxes.cni!.skipped).toBe(1);
    expect(boxes.custom).toBeUndefined(); // shown only when custom rules found something
  });

  it("puts endpoint causes on the Endpoints box and workload on Pod", () => {
    expect(boxOf("service", "service.no-ready-endpoints")).toBe("endpoints");
    expect(boxOf("service", "service.selector-mismatch")).toBe("service");
    expect(boxOf("workload", "workload.crashloop")).toBe("pod");
    expect(boxOf("gateway", "gateway.route-not-attached")).toBe("ingress");
    expect(boxOf("custom", "acme.thing")).toBe("custom");
  });

  it("is all clear on a healthy report", () => {
    expect(diagramStatus(healthyReport()).every((b) => b.worst === undefined)).toBe(true);
  });
});

describe("untrusted text", () => {
  it("makes control, bidi and separator characters visible", () => {
    expect(showUnsafeChars("a\u001b[31mb\u202ec\u2028d\u0000")).toBe("a\\u{1b}[31mb\\u{202e}c\\u{2028}d\\u{0}");
    expect(oneLine("  two\n lines\tand tabs ")).toBe("two lines and tabs");
  });
});

describe("markdown escaping", () => {
  it("turns backtick pairs into code spans and escapes the prose around them", () => {
    expect(inlineMarkdown("selects `app=web` but <b>x</b> [a](b) *c*")).toBe("selects `app=web` but \\<b>x\\</b> \\[a](b) \\*c\\*");
  });

  it("escapes line-start markers that would make a heading, quote or list", () => {
    expect(inlineMarkdown("# big")).toBe("\\# big");
    expect(inlineMarkdown("> quote")).toBe("\\> quote");
    expect(inlineMarkdown("1. item")).toBe("1\\. item");
    expect(inlineMarkdown("- item")).toBe("\\- item");
  });

  it("fences code with more backticks than any run inside", () => {
    expect(backtickFence("a ``` b", 3)).toBe("````");
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`x")).toBe("`` `x ``");
    expect(fencedBlock(["x ```` y"], "text")).toBe("`````text\nx ```` y\n`````");
  });
});
