/**
 * `--format html`: one self-contained file (inline CSS and JS, no network:
 * a CSP forbids it) rendered from reports/report.html.hbs with HTML escaping
 * on. The template never receives markup: helpers that build markup escape
 * every piece of data themselves and return a SafeString.
 */
import Handlebars from "handlebars";
import type { Evidence, ObjectRef } from "../../types/evidence.js";
import { SEVERITIES, type Finding, type Severity } from "../../types/finding.js";
import type { Report } from "../../types/report.js";
import { loadTemplate, once } from "../templates.js";
import {
  boxOf, checkedSummary, countNodes, DIAGRAM_BOXES, diagramStatus, evidenceLocation, foldSymptoms, mapStrings,
  namespacesOf, showUnsafeChars, subjectLabel, type FindingNode,
} from "../view.js";
import { toOrderedJson } from "./json.js";
import type { Formatter } from "./types.js";

export const HTML_TEMPLATE = "report.html.hbs";

/**
 * JSON to embed in `<script type="application/json">`. JSON.stringify alone is
 * not enough: `</script>` or `<!--` inside a string would end or confuse the
 * script element, and U+2028/2029 break older JS parsers. Escaped as \uXXXX they
 * stay the same JSON value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const escape = (v: unknown): string => Handlebars.escapeExpression(v === undefined || v === null ? "" : String(v));

/**
 * Prose whose backtick pairs are code (rule messages quote selectors and
 * commands that way): every piece is escaped, then pairs become <code>.
 * With an odd number of backticks the text is shown as typed.
 */
export function inlineCodeHtml(text: string): string {
  const parts = text.split("`");
  if (parts.length % 2 === 0) return escape(text);
  return parts.map((p, i) => (i % 2 === 1 ? `<code>${escape(p)}</code>` : escape(p))).join("");
}

function htmlHelpers(): Record<string, Handlebars.HelperDelegate> {
  return {
    inlineCode: (text: unknown) => new Handlebars.SafeString(inlineCodeHtml(typeof text === "string" ? text : "")),
    upper: (text: unknown) => String(text ?? "").toUpperCase(),
    /** `2026-11-22T10:30:00Z` → `2026-11-22 10:30:00 UTC`; anything else as given. */
    timestamp: (text: unknown) => String(text ?? "").replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/, "$1 $2 UTC"),
    plural: (n: unknown, word: unknown) => `${String(n)} ${String(word)}${n === 1 ? "" : "s"}`,
    eq: (a: unknown, b: unknown) => a === b,
    subjectLabel: (ref: ObjectRef) => subjectLabel(ref),
    evidenceLocation: (e: Evidence) => evidenceLocation(e),
    /** The finding's box in the diagram: the layer filter's value. */
    box: (f: Finding) => boxOf(f.layer, f.cause),
    boxLabel: (f: Finding) => DIAGRAM_BOXES.find((b) => b.id === boxOf(f.layer, f.cause))?.label ?? f.layer,
    /** How many subjects beyond the first (0 when none: falsy for #if). */
    moreSubjects: (subjects: ObjectRef[]) => Math.max(0, subjects.length - 1),
    namespaces: (f: Finding) => namespacesOf(f).join(" "),
    countNodes: (nodes: FindingNode[]) => countNodes(nodes),
    checked: (checked: Record<string, number>) => checkedSummary(checked),
    /** Every severity with its count, zeros included, for the summary chips. */
    severityChips: (bySeverity: Record<Severity, number>) => SEVERITIES.map((s) => ({ severity: s, count: bySeverity[s] ?? 0 })),
    sortedRoots: (findings: Finding[]) => foldSymptoms(findings),
    faultCount: (findings: Finding[]) => foldSymptoms(findings).filter((n) => !n.finding.advice).length,
    adviceCount: (findings: Finding[]) => foldSymptoms(findings).filter((n) => n.finding.advice).length,
    /** Layer filter options: the diagram boxes that hold at least one finding. */
    layerOptions: (boxes: ReturnType<typeof diagramStatus>) => boxes.filter((b) => b.findings > 0),
    namespaceOptions: (findings: Finding[]) => [...new Set(findings.flatMap(namespacesOf))].sort(),
  };
}

const template = once(() => {
  const hb = Handlebars.create();
  hb.registerHelper(htmlHelpers());
  return loadTemplate(hb, HTML_TEMPLATE, {});
});

export const formatHtml: Formatter = (report: Report) => {
  // Untrusted strings are shown with their control and bidi characters made visible;
  // the embedded JSON keeps the report as it is (JSON escapes control characters itself).
  const shown = mapStrings(JSON.parse(JSON.stringify(report)), showUnsafeChars) as Report;
  const context = {
    report: shown,
    diagram: diagramStatus(shown),
    embeddedJson: jsonForScript(toOrderedJson(report)),
  };
  return template()(JSON.parse(JSON.stringify(context)));
};
