import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FORMATTERS } from "../../src/report/formatters/index.js";
import type { Report } from "../../src/types/report.js";
import { HOSTILE_SCRIPT, SAMPLE_REPORTS, corednsDownReport, healthyReport, selectorMismatchReport } from "./sample-reports.js";

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "__golden__");
const opts = { color: false, verbose: false };

/** Markdown with fenced blocks and code spans removed: what a renderer parses as prose and HTML. */
function proseOnly(md: string): string {
  return md
    .replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?\n\1\2 *$/gm, "")
    .replace(/(`+)[^`]*?\1/g, "");
}

/** Cells of a GFM table row, splitting on pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) => c.trim());
}

describe("markdown formatter", () => {
  for (const [name, make] of Object.entries(SAMPLE_REPORTS)) {
    it(`matches the golden file for ${name} (UPDATE_GOLDEN=1 rewrites it)`, () => {
      const md = FORMATTERS.md(make(), opts);
      const file = join(GOLDEN_DIR, `${name}.md`);
      if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
        if (process.env.CI && !existsSync(file)) throw new Error(`missing golden file ${file}`);
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, md);
      }
      expect(md).toBe(readFileSync(file, "utf8"));
    });
  }

  it("ranks root causes in a table and in sections, symptoms only under their cause", () => {
    const md = FORMATTERS.md(corednsDownReport(), opts);
    const rows = md.split("\n").filter((l) => /^\| \d+ \|/.test(l));
    expect(rows.map((r) => cells(r)[0])).toEqual(["1", "2"]);
    expect(cells(rows[0]!)[4]).toBe("2"); // symptoms explained by rank 1
    const sections = [...md.matchAll(/^### (\d+)\. (.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(sections).toEqual([
      ["1", "CoreDNS detects a forwarding loop and exits"],
      ["2", "Node under resource pressure"],
    ]);
    // The symptom chain sits inside section 1, nested one list level per link.
    const section1 = md.slice(md.indexOf("### 1."), md.indexOf("### 2."));
    expect(section1).toContain("\n- **CRITICAL** CoreDNS has no ready pods · `dns.coredns-unavailable`\n");
    expect(section1).toContain("\n  - **HIGH** Containers behind a Service crash-loop · `workload.crashloop`\n");
  });

  it("cites evidence with file and JSON path or line, excerpt in a code block", () => {
    const md = FORMATTERS.md(corednsDownReport(), opts);
    expect(md).toContain(
      "- `logs/kube-system/coredns-5d78c9869d-x2k4q/coredns.previous.log` line 6\n  ```text\n  [FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected",
    );
    expect(md).toContain("- `resources/configmaps.json` at `items[0].data.Corefile`\n  ```text\n  forward . /etc/resolv.conf");
    expect(md).toContain("```sh\nkubectl -n kube-system logs -l k8s-app=kube-dns --previous | grep -m1 'plugin/loop'\n");
  });

  it("never lets hostile data become HTML, links or structure", () => {
    const report: Report = selectorMismatchReport();
    report.findings[1]!.title = "[click](https://evil.example) ![x](https://evil.example/x.png) # not a heading";
    report.warnings.push("&lt;script&gt; as an entity, *stars* and _underscores_");
    const prose = proseOnly(FORMATTERS.md(report, opts));
    expect(prose).not.toMatch(/(?<!\\)</); // every < outside code is escaped: no raw HTML
    expect(prose).not.toMatch(/(?<!\\)\[/); // no link or image can open
    expect(prose).not.toMatch(/(?<!\\)&lt;/);
    expect(prose).toContain("\\<script>alert(1)\\</script>");
    expect(prose).toContain("\\*stars\\* and \\_underscores\\_");
  });

  it("keeps code blocks closed when the data holds backtick runs", () => {
    const report: Report = corednsDownReport();
    report.findings[1]!.evidence[0]!.excerpt = "log line with ``` fence and ```` more";
    report.findings[1]!.evidence[0]!.path = "items[1].metadata.annotations.`weird`";
    const md = FORMATTERS.md(report, opts);
    expect(md).toContain("  `````text\n  log line with ``` fence and ```` more\n  `````");
    expect(md).toContain("at `` items[1].metadata.annotations.`weird` ``");
  });

  it("escapes pipes in table cells, inside code spans too", () => {
    const report: Report = selectorMismatchReport();
    report.coverage.rulesSkipped[1]!.reason = "step a|b: forbidden | retry";
    report.coverage.rulesSkipped[1]!.missing = "logs/x|y/*.log";
    const md = FORMATTERS.md(report, opts);
    const row = md.split("\n").find((l) => l.startsWith("| `cni-calico-bgp-not-established`"))!;
    expect(cells(row)).toEqual(["`cni-calico-bgp-not-established`", "`cni.calico-bgp-down`", "`logs/x\\|y/*.log`", "step a\\|b: forbidden \\| retry"]);
  });

  it("shows a message with an odd number of backticks literally instead of guessing code spans", () => {
    const report: Report = healthyReport();
    const f = corednsDownReport().findings[1]!;
    f.message = "label value `a and a stray backtick";
    const md = FORMATTERS.md({ ...report, findings: [f] }, opts);
    expect(md).toContain("label value \\`a and a stray backtick");
  });

  it("with --symptom, tabulates each candidate cause's outcome before the root causes", () => {
    const md = FORMATTERS.md(corednsDownReport(), opts);
    expect(md).toContain("## Symptom: `Could not resolve host` / DNS failures\n");
    expect(md).toContain("| `dns.forward-loop` | **found** | rank 1 |");
    expect(md).toContain("| `dns.upstream-failing` | ruled out |  |");
    expect(md).toContain("| `policy.default-deny-blocks` | not checked | no rule for this cause is loaded |");
    expect(md.indexOf("## Symptom")).toBeLessThan(md.indexOf("## Root causes"));
  });

  it("says plainly when nothing is wrong, with what was checked and what could not be", () => {
    const md = FORMATTERS.md(healthyReport(), opts);
    expect(md).toContain("**No problems found.** Checked namespaces 9 · nodes 3 · pods 41");
    expect(md).toContain("with 60 rules. 1 rule could not run for missing data");
    expect(md).not.toContain("## Root causes");
    expect(md).toContain("| `proxy-service-rules-missing` | `proxy.rules-missing` | `nodes/*/iptables-save.txt` | not collected |");
  });

  it("leaves no trailing whitespace and no runs of blank lines", () => {
    for (const make of Object.values(SAMPLE_REPORTS)) {
      const md = FORMATTERS.md(make(), opts);
      expect(md).not.toMatch(/[ \t]$/m);
      expect(md).not.toMatch(/\n\n\n/);
      expect(md.endsWith("\n")).toBe(true);
    }
  });

  it("shows the hostile value from the sample as text", () => {
    expect(FORMATTERS.md(selectorMismatchReport(), opts)).toContain(`q=${HOSTILE_SCRIPT}`); // inside a code block: literal
  });
});
