import { describe, expect, it } from "vitest";
import { inlineCodeHtml, jsonForScript } from "../../src/report/formatters/html.js";
import { FORMATTERS } from "../../src/report/formatters/index.js";
import { toOrderedJson } from "../../src/report/formatters/json.js";
import type { Report } from "../../src/types/report.js";
import { HOSTILE_ATTR, HOSTILE_SCRIPT, corednsDownReport, healthyReport, selectorMismatchReport } from "./sample-reports.js";

const opts = { color: false, verbose: false };
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function embeddedJson(html: string): unknown {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error("no embedded report data");
  return JSON.parse(m[1]!);
}

/** data-key of every finding <li>, in document order, with whether it is a symptom. */
function findingItems(html: string): { key: string; symptom: boolean }[] {
  return [...html.matchAll(/<li class="(finding [^"]*)" [^>]*data-key="([^"]+)"/g)].map((m) => ({
    key: m[2]!,
    symptom: m[1]!.split(" ").includes("is-symptom"),
  }));
}

describe("html formatter", () => {
  it("never lets a hostile label, env value or log line through as markup", () => {
    const report: Report = selectorMismatchReport();
    report.findings[0]!.title = HOSTILE_ATTR;
    report.findings[0]!.subjects[0]!.name = `web${HOSTILE_SCRIPT}`;
    report.coverage.notes.push(`</script><script>alert(3)</script>`);
    report.snapshot.cluster = `prod${HOSTILE_ATTR}`;
    const html = FORMATTERS.html(report, opts);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("</script><script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;");
    // Exactly our two script elements: the JSON data and the page script.
    expect(html.match(/<script\b/g)).toHaveLength(2);
  });

  it("embeds the report as JSON that parses back to the --format json object", () => {
    const report = selectorMismatchReport();
    expect(embeddedJson(FORMATTERS.html(report, opts))).toEqual(toOrderedJson(report));
  });

  it("serializes script data so no string can end the script element", () => {
    const s = jsonForScript({ a: "</script><!-- & \u2028\u2029" });
    expect(s).toBe('{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029"}');
    expect(JSON.parse(s)).toEqual({ a: "</script><!-- & \u2028\u2029" });
  });

  it("forbids any network access and loads nothing external", () => {
    const html = FORMATTERS.html(corednsDownReport(), opts);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
    expect(html).not.toMatch(/\s(src|href|action|srcset)=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/fetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon/);
  });

  it("lists root causes in rank order with their symptoms nested inside them", () => {
    const report = corednsDownReport();
    const [loop, pressure, unavailable, crashloop] = report.findings.map((f) => f.key) as [string, string, string, string];
    expect(findingItems(FORMATTERS.html(report, opts))).toEqual([
      { key: loop, symptom: false },
      { key: unavailable, symptom: true },
      { key: crashloop, symptom: true },
      { key: pressure, symptom: false },
    ]);
  });

  it("tags each finding with what the filters need: severity, layer box, namespaces", () => {
    const html = FORMATTERS.html(selectorMismatchReport(), opts);
    expect(html).toMatch(/data-severity="high" data-box="service" data-namespaces="shop" data-key="service-selector-matches-no-pod@Service\/shop\/web"/);
    expect(html).toMatch(/data-severity="medium" data-box="ingress" data-namespaces="shop"/);
    expect(html).toMatch(/data-severity="medium" data-box="pod" data-namespaces="payments"/);
    expect(html).toContain('<option value="payments">payments</option>');
    expect(html).toContain('<option value="service">Service (1)</option>');
  });

  it("draws the request path with each box colored by its worst finding", () => {
    const html = FORMATTERS.html(selectorMismatchReport(), opts);
    const box = (id: string): string => {
      const m = new RegExp(`<li class="box ([a-z-]+)">\\s*<button type="button" class="box-btn" data-layer="${id}"`).exec(html);
      return m ? m[1]! : "absent";
    };
    expect(box("client")).toBe("origin");
    expect(box("service")).toBe("sev-high");
    expect(box("endpoints")).toBe("ok");
    expect(box("pod")).toBe("sev-medium");
    expect(box("ingress")).toBe("sev-medium");
    expect(box("proxy")).toBe("partial"); // its rule was skipped: not shown as healthy
    expect(box("custom")).toBe("absent");
  });

  it("shows evidence, fix and verify commands for a finding", () => {
    const html = FORMATTERS.html(corednsDownReport(), opts);
    expect(html).toContain('<span class="file">nodes/ip-10-0-1-23/resolv.conf</span><span class="at">line 19</span>');
    expect(html).toContain('<pre class="excerpt">nameserver 127.0.0.53</pre>');
    expect(html).toContain("<code>kubectl -n kube-system get configmap coredns -o jsonpath&#x3D;&#x27;{.data.Corefile}&#x27;</code>");
    expect(html).toContain("set <code>resolvConf: /run/systemd/resolve/resolv.conf</code> in the kubelet");
  });

  it("with --symptom, lists each candidate cause with its outcome", () => {
    const html = FORMATTERS.html(corednsDownReport(), opts);
    expect(html).toContain('<h2 id="symptom-title">Symptom: <code>Could not resolve host</code> / DNS failures</h2>');
    expect(html).toContain('<li class="outcome outcome-found"><span class="pill">found</span><code>dns.forward-loop</code><span class="detail">rank 1</span></li>');
    expect(html).toContain('<li class="outcome outcome-ruled-out"><span class="pill">ruled out</span><code>dns.upstream-failing</code></li>');
    expect(FORMATTERS.html(selectorMismatchReport(), opts)).not.toContain('id="symptom"');
  });

  it("says plainly when nothing is wrong, with what was checked", () => {
    const html = FORMATTERS.html(healthyReport(), opts);
    expect(html).toContain("<strong>No problems found.</strong> 60 rules checked 9 namespaces, 3 nodes, 41 pods");
    expect(html).toContain("1 rule could not run for missing data");
    expect(html).not.toContain('id="finding-list"');
  });
});

describe("inlineCodeHtml", () => {
  it("escapes every piece and turns backtick pairs into <code>", () => {
    expect(inlineCodeHtml("a `<b>` c <i>")).toBe("a <code>&lt;b&gt;</code> c &lt;i&gt;");
    expect(inlineCodeHtml("odd ` <x>")).toBe("odd &#x60; &lt;x&gt;");
  });
});
