/**
 * `--format md`: reports/report.md.hbs, for tickets, merge requests and chat.
 * Full Handlebars with noEscape (HTML escaping is wrong for Markdown); every
 * untrusted string is escaped for Markdown by the helpers below instead, and the
 * template only ever sees a plain-JSON copy of the report.
 */
import Handlebars from "handlebars";
import type { Evidence, ObjectRef } from "../../types/evidence.js";
import type { Finding, Severity } from "../../types/finding.js";
import type { Report } from "../../types/report.js";
import { codeSpan, fencedBlock, inlineMarkdown } from "../markdown-escape.js";
import { loadTemplate, once } from "../templates.js";
import { checkedSummary, countNodes, foldSymptoms, severityCounts, type FindingNode } from "../view.js";
import type { Formatter } from "./types.js";

export const MARKDOWN_TEMPLATE = "report.md.hbs";
/** Objects named in a summary-table cell before "and N more". */
const TABLE_OBJECTS = 3;

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

function evidenceLocationMd(e: Evidence): string {
  if (e.line !== undefined) return `${codeSpan(e.file)} line ${e.line}`;
  if (e.path) return `${codeSpan(e.file)} at ${codeSpan(e.path)}`;
  return codeSpan(e.file);
}

function subject(ref: ObjectRef, inTable = false): string {
  const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return `${inlineMarkdown(ref.kind, inTable)} ${codeSpan(name, inTable)}`;
}

function markdownHelpers(): Record<string, Handlebars.HelperDelegate> {
  return {
    /** Prose with `code spans`, escaped. */
    inline: (text: unknown) => inlineMarkdown(str(text)),
    /** The same, for a table cell. */
    cell: (text: unknown) => inlineMarkdown(str(text), true),
    code: (text: unknown) => codeSpan(str(text)),
    codeCell: (text: unknown) => codeSpan(str(text), true),
    /** A fenced block of one string or a list of strings. */
    fence: (lines: unknown, info: unknown) =>
      fencedBlock(Array.isArray(lines) ? lines.map(str) : [str(lines)], typeof info === "string" ? info : ""),
    subject: (ref: ObjectRef) => subject(ref),
    /** The first objects of a finding for the summary table; the section below lists them all. */
    subjectCell: (refs: ObjectRef[]) => {
      const shown = refs.slice(0, TABLE_OBJECTS).map((r) => subject(r, true)).join(", ");
      return refs.length > TABLE_OBJECTS ? `${shown} and ${refs.length - TABLE_OBJECTS} more` : shown;
    },
    evidenceLocation: (e: Evidence) => evidenceLocationMd(e),
    /** 1-based position for numbered lists from @index. */
    ordinal: (index: unknown) => (typeof index === "number" ? index + 1 : ""),
    upper: (text: unknown) => str(text).toUpperCase(),
    eq: (a: unknown, b: unknown) => a === b,
    /** "2 rules", "1 rule". */
    plural: (n: unknown, word: unknown) => `${str(n)} ${str(word)}${n === 1 ? "" : "s"}`,
    severityCounts: (bySeverity: Record<Severity, number>) =>
      severityCounts(bySeverity).map((c) => `${c.count} ${c.severity}`).join(", "),
    checked: (checked: Record<string, number>) =>
      checkedSummary(checked).map((c) => `${c.label} ${c.count}`).join(" · "),
    rootCauses: (findings: Finding[]) => foldSymptoms(findings).filter((n) => !n.finding.advice),
    advice: (findings: Finding[]) => foldSymptoms(findings).filter((n) => n.finding.advice),
    countNodes: (nodes: FindingNode[]) => countNodes(nodes),
  };
}

const template = once(() => {
  const hb = Handlebars.create();
  hb.registerHelper(markdownHelpers());
  return loadTemplate(hb, MARKDOWN_TEMPLATE, { noEscape: true });
});

/**
 * Tidy what the template leaves behind: trailing spaces (Handlebars indents the
 * blank lines of an indented partial) and runs of blank lines from skipped
 * sections. No line we emit relies on trailing spaces (hard breaks).
 */
function tidy(md: string): string {
  return `${md.replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n").trim()}\n`;
}

export const formatMarkdown: Formatter = (report: Report) => {
  const context: unknown = JSON.parse(JSON.stringify(report));
  return tidy(template()(context));
};
