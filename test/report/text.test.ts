import { describe, expect, it } from "vitest";
import { FORMATTERS } from "../../src/report/formatters/index.js";
import { wrap } from "../../src/report/formatters/text.js";
import type { Report } from "../../src/types/report.js";
import { corednsDownReport, healthyReport, selectorMismatchReport } from "./sample-reports.js";

const plain = { color: false, verbose: false };
const ESC = "\u001b";

/** Lines that start a ranked entry: ` 1  HIGH      title…`. */
function rankLines(text: string): { rank: number; line: string }[] {
  return text
    .split("\n")
    .flatMap((line) => {
      const m = /^ +(\d+) {2}[A-Z]+ /.exec(line);
      return m ? [{ rank: Number(m[1]), line }] : [];
    });
}

describe("text formatter", () => {
  it("lists root causes in rank order, symptoms not as ranks of their own", () => {
    const text = FORMATTERS.text(corednsDownReport(), plain);
    // Ranks 3 and 4 are symptoms (CoreDNS unavailable, checkout crash-loop): folded, not ranked.
    expect(rankLines(text).map((r) => r.rank)).toEqual([1, 2]);
    expect(rankLines(text)[0]!.line).toContain("CoreDNS detects a forwarding loop and exits");
    expect(rankLines(text)[1]!.line).toContain("Node under resource pressure");
  });

  it("folds each symptom under the finding it names in explainedBy, nested as deep as the chain", () => {
    const lines = FORMATTERS.text(corednsDownReport(), plain).split("\n");
    const at = (needle: string): number => lines.findIndex((l) => l.includes(needle));
    const root = at("CoreDNS detects a forwarding loop");
    const unavailable = at("CoreDNS has no ready pods");
    const crashloop = at("Containers behind a Service crash-loop");
    const nextRoot = at("Node under resource pressure");
    expect(root).toBeLessThan(unavailable);
    expect(unavailable).toBeLessThan(crashloop);
    expect(crashloop).toBeLessThan(nextRoot);
    expect(lines[unavailable]).toMatch(/^\s+↳ CRITICAL/);
    // The second-level symptom is indented further than the first.
    const indent = (i: number): number => lines[i]!.search(/\S/);
    expect(indent(crashloop)).toBeGreaterThan(indent(unavailable));
    expect(lines.find((l) => l.includes("explains 2 symptoms"))).toBeDefined();
  });

  it("shows objects, message, fix and verify commands for each root cause", () => {
    const text = FORMATTERS.text(selectorMismatchReport(), plain);
    expect(text).toContain("Service shop/web, Pod shop/web-7d9c6b5f4-2xkqp");
    expect(text).toContain("have tier=front-end where the selector wants tier=frontend");
    expect(text).toMatch(/fix {7}1\. Make the Service selector/);
    // Commands are never wrapped: each stays whole on one line, ready to paste.
    expect(text).toMatch(/verify {4}kubectl get pods -n shop -l 'app=web,tier=frontend' -o wide\n/);
    expect(text).toContain("ADVICE (1)");
  });

  it("adds evidence (file + path or line, and the excerpt) only when verbose", () => {
    const report = corednsDownReport();
    const loc = "logs/kube-system/coredns-5d78c9869d-x2k4q/coredns.previous.log:6";
    const excerpt = '> [FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone "."';
    expect(FORMATTERS.text(report, plain)).not.toContain(loc);
    const verbose = FORMATTERS.text(report, { color: false, verbose: true });
    expect(verbose).toContain(`evidence  ${loc}`);
    expect(verbose).toContain(excerpt);
    expect(verbose).toContain("resources/configmaps.json items[0].data.Corefile");
    // Symptoms get their evidence too when verbose.
    expect(verbose).toContain("logs/shop/checkout-59d4c7d8b6-z7wq9/checkout.previous.log:41");
    expect(verbose).toContain("rule      dns-coredns-forward-loop · score 0.893 · confidence 0.95");
  });

  it("emits no ANSI escape when color is off, and colors severities when on", () => {
    for (const report of [selectorMismatchReport(), corednsDownReport(), healthyReport()]) {
      expect(FORMATTERS.text(report, { color: false, verbose: true })).not.toContain(ESC);
    }
    const colored = FORMATTERS.text(corednsDownReport(), { color: true, verbose: false });
    expect(colored).toContain(`${ESC}[1;31mCRITICAL`);
    expect(colored).toContain(`${ESC}[33mMEDIUM`);
  });

  it("does not pass terminal control sequences from the snapshot through, even with color on", () => {
    const report: Report = selectorMismatchReport();
    report.findings[0]!.evidence[0]!.excerpt = `ok${ESC}[2J${ESC}]0;pwned\u0007 \u202Egnp.exe`;
    report.warnings.push(`resources/pods.json: name ${ESC}[31mred`);
    const out = FORMATTERS.text(report, { color: true, verbose: true });
    expect(out).not.toContain(`${ESC}[2J`);
    expect(out).not.toContain(`${ESC}]0;`);
    expect(out).not.toContain("\u0007");
    expect(out).not.toContain("\u202E");
    expect(out).toContain("ok\\u{1b}[2J\\u{1b}]0;pwned\\u{7} \\u{202e}gnp.exe");
    expect(out).toContain("name \\u{1b}[31mred");
  });

  it("reports coverage: rules run, what was checked, rules skipped with the missing file and why, notes", () => {
    const text = FORMATTERS.text(selectorMismatchReport(), plain);
    expect(text).toContain("rules     58 rules run");
    expect(text).toMatch(/checked {3}namespaces 9 · nodes 3 · pods 41 · services 17/);
    expect(text).toContain("2 rules could not run for missing data:");
    expect(text).toMatch(/proxy-service-rules-missing +needs nodes\/\*\/iptables-save\.txt\n/);
    expect(text).toContain("needs logs/calico-system/*/calico-node.log (logs/calico-system/calico-node-7xk2p: Forbidden)");
    expect(text).toContain("notes     CiliumNetworkPolicy objects exist");
    expect(text).toContain("WARNINGS (2)");
    expect(text).toContain("! resources/pods.json: item 17 skipped");
  });

  it("with --symptom, says which candidate causes were found, ruled out or could not be checked", () => {
    const text = FORMATTERS.text(corednsDownReport(), plain);
    expect(text).toContain("SYMPTOM  `Could not resolve host` / DNS failures (--symptom dns)");
    expect(text).toContain("  found        dns.coredns-unavailable (rank 3) · dns.forward-loop (rank 1)\n");
    expect(text).toContain("  ruled out    dns.upstream-failing · dns.corefile-invalid · proxy.not-running\n");
    expect(text).toContain(
      "  not checked  dns.egress-blocked-by-policy (snapshot lacks resources/networkpolicies.json (resources/networkpolicies: Forbidden))\n" +
        "               policy.default-deny-blocks (no rule for this cause is loaded)\n",
    );
    expect(text.indexOf("SYMPTOM")).toBeLessThan(text.indexOf("ROOT CAUSES"));
    expect(FORMATTERS.text(selectorMismatchReport(), plain)).not.toContain("SYMPTOM");
  });

  it("says plainly when nothing is wrong, and what it checked", () => {
    const text = FORMATTERS.text(healthyReport(), plain);
    expect(text).toContain("No problems found. 1 rule could not run for missing data (see coverage).");
    expect(text).toContain("namespaces 9 · nodes 3 · pods 41");
    expect(text).toContain("60 rules run");
    expect(text).not.toContain("ROOT CAUSES");
    expect(text).not.toContain("WARNINGS");
  });

  it("summarises counts in the header: root causes, advice, findings by severity", () => {
    const [title, more, counts] = FORMATTERS.text(selectorMismatchReport(), plain).split("\n");
    // Too long for 100 columns: wrapped between items, never inside one.
    expect(title).toBe("kube-netdiag · cluster prod-eu1 · snapshot netdiag-prod-eu1-20261122T1030Z.tgz ·");
    expect(more).toBe("collected 2026-11-22T10:30:00Z");
    expect(counts).toBe("2 root causes, 1 advice (4 findings: 1 high, 2 medium, 1 low)");
  });

  it("wraps prose to the width it is given, aligned under the title column", () => {
    const text = FORMATTERS.text(selectorMismatchReport(), { color: false, verbose: false, width: 72 });
    const message = text.split("\n").filter((l) => l.startsWith("              ") && !l.includes("kubectl"));
    expect(message.length).toBeGreaterThan(3);
    for (const line of message) expect(line.length).toBeLessThanOrEqual(72);
    // A headline too long for the width puts the cause id on the next line, under the title.
    const lines = text.split("\n");
    const i = lines.findIndex((l) => l.includes("↳ MEDIUM    Ingress backend Service has no ready endpoints"));
    expect(lines[i]!.length).toBeLessThanOrEqual(72);
    expect(lines[i + 1]!.trim()).toBe("ingress.backend-no-endpoints");
    expect(lines[0]).toBe("kube-netdiag · cluster prod-eu1 ·");
  });
});

describe("wrap", () => {
  it("breaks at spaces and never splits a word longer than the width", () => {
    expect(wrap("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrap("x https://coredns.io/plugins/loop#troubleshooting y", 10)).toEqual(["x", "https://coredns.io/plugins/loop#troubleshooting", "y"]);
    expect(wrap("", 10)).toEqual([]);
  });
});
