/**
 * `--format text` (the default, on a terminal): ranked root causes, each with
 * its objects, message, fix and verify commands, its symptoms folded beneath
 * it; then coverage and warnings. `verbose` adds evidence and rule metadata.
 * Every string from the snapshot goes through oneLine(), so a hostile log line
 * cannot emit terminal escape sequences.
 */
import type { Finding, Severity } from "../../types/finding.js";
import type { Report } from "../../types/report.js";
import {
  checkedSummary, countNodes, evidenceLocation, foldSymptoms, oneLine, severityCounts, subjectLabel, symptomOutcome,
  type FindingNode,
} from "../view.js";
import type { FormatOptions, Formatter } from "./types.js";

const DEFAULT_WIDTH = 100;
/** Narrowest prose column we wrap to, however deep the nesting: below this wrapping hurts more than it helps. */
const MIN_PROSE_WIDTH = 40;
const SEVERITY_WIDTH = "CRITICAL".length;
const LABEL_WIDTH = "evidence  ".length;

const ANSI = {
  reset: "\u001b[0m",
  bold: "\u001b[1m",
  dim: "\u001b[2m",
  red: "\u001b[31m",
  boldRed: "\u001b[1;31m",
  yellow: "\u001b[33m",
  cyan: "\u001b[36m",
} as const;

const SEVERITY_STYLE: Record<Severity, string> = {
  critical: ANSI.boldRed,
  high: ANSI.red,
  medium: ANSI.yellow,
  low: ANSI.cyan,
  info: ANSI.dim,
};

type Paint = (style: string, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (style, text) => (text ? `${style}${text}${ANSI.reset}` : text) : (_style, text) => text;
}

/** Greedy word wrap; a word longer than the width (a URL, a path) stays whole on its own line. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (!word) continue;
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

interface Ctx {
  paint: Paint;
  verbose: boolean;
  width: number;
}

/** A block of lines indented by `indent` columns, prose wrapped to what is left of the width. */
class Block {
  readonly lines: string[] = [];
  constructor(private readonly ctx: Ctx) {}

  proseWidth(indent: number): number {
    return Math.max(MIN_PROSE_WIDTH, this.ctx.width - indent);
  }

  prose(indent: number, text: string, style = ""): void {
    for (const l of wrap(oneLine(text), this.proseWidth(indent))) this.lines.push(" ".repeat(indent) + this.ctx.paint(style, l));
  }

  /** `label   value` rows; each value is wrapped and its continuation lines aligned under it. */
  labelled(indent: number, label: string, values: string[], style = "", wrapValues = true): void {
    const width = this.proseWidth(indent + LABEL_WIDTH);
    const lines = values.flatMap((value) => (wrapValues ? wrap(oneLine(value), width) : [oneLine(value)]));
    this.labelledLines(indent, label, lines, style);
  }

  /** `label   line`, then the other lines aligned under the first. */
  labelledLines(indent: number, label: string, lines: string[], style = ""): void {
    const pad = " ".repeat(indent + LABEL_WIDTH);
    lines.forEach((line, i) => {
      const head = i === 0 ? " ".repeat(indent) + this.ctx.paint(ANSI.dim, label.padEnd(LABEL_WIDTH)) : pad;
      this.lines.push(head + this.ctx.paint(style, line));
    });
  }
}

function severityTag(ctx: Ctx, severity: Severity): string {
  return ctx.paint(SEVERITY_STYLE[severity], severity.toUpperCase().padEnd(SEVERITY_WIDTH));
}

/**
 * `SEVERITY  Title  cause.id`, starting at column `indent`; when that overflows
 * the width the cause id moves to its own line under the title.
 */
function headline(ctx: Ctx, f: Finding, prefix: string, indent: number): string[] {
  const title = oneLine(f.title);
  const cause = oneLine(f.cause) + (f.advice ? " (advice)" : "");
  const head = `${prefix}${severityTag(ctx, f.severity)}  ${ctx.paint(ANSI.bold, title)}`;
  const plainLength = indent + SEVERITY_WIDTH + 2 + title.length + 2 + cause.length;
  if (plainLength <= ctx.width) return [`${head}  ${ctx.paint(ANSI.dim, cause)}`];
  return [head, " ".repeat(indent + SEVERITY_WIDTH + 2) + ctx.paint(ANSI.dim, cause)];
}

function evidenceRows(block: Block, ctx: Ctx, indent: number, f: Finding): void {
  const pad = " ".repeat(indent + LABEL_WIDTH);
  f.evidence.forEach((e, i) => {
    const head = i === 0 ? " ".repeat(indent) + ctx.paint(ANSI.dim, "evidence".padEnd(LABEL_WIDTH)) : pad;
    block.lines.push(head + oneLine(evidenceLocation(e)));
    // Excerpts are already clipped to one line by the pipeline; do not wrap them so they can be grepped for.
    if (e.excerpt) block.lines.push(pad + ctx.paint(ANSI.dim, `> ${oneLine(e.excerpt)}`));
  });
}

/** The body under a headline: what is wrong, where, how to fix and check it. */
function findingBody(block: Block, ctx: Ctx, indent: number, f: Finding, full: boolean): void {
  if (f.subjects.length > 0) {
    // Wrapped between objects, never inside one: "Pod shop/web-…" stays on one line.
    const objects = wrapItems(f.subjects.map((s) => oneLine(subjectLabel(s))), ", ", block.proseWidth(indent + LABEL_WIDTH));
    block.labelledLines(indent, "objects", objects);
  }
  if (!full) return;
  if (f.message) block.prose(indent, f.message);
  if (f.remediation.length > 0) block.labelled(indent, "fix", f.remediation.map((r, i) => (f.remediation.length > 1 ? `${i + 1}. ${r}` : r)));
  // Commands are copied into a shell: one per line, never wrapped.
  if (f.verify.length > 0) block.labelled(indent, "verify", f.verify, ANSI.cyan, false);
  if (ctx.verbose) {
    evidenceRows(block, ctx, indent, f);
    block.labelled(indent, "rule", [`${f.ruleId} · score ${f.score} · confidence ${f.confidence}`], ANSI.dim, false);
  }
}

/** Symptoms under their root: a one-line headline with objects, and the full body when verbose. */
function symptomRows(block: Block, ctx: Ctx, indent: number, nodes: readonly FindingNode[]): void {
  for (const node of nodes) {
    block.lines.push(...headline(ctx, node.finding, `${" ".repeat(indent)}${ctx.paint(ANSI.dim, "↳")} `, indent + 2));
    const bodyIndent = indent + 2 + SEVERITY_WIDTH + 2;
    findingBody(block, ctx, bodyIndent, node.finding, ctx.verbose);
    symptomRows(block, ctx, indent + 2, node.symptoms);
  }
}

function rootRows(block: Block, ctx: Ctx, roots: readonly FindingNode[]): void {
  const rankWidth = String(Math.max(...roots.map((r) => r.finding.rank))).length;
  const bodyIndent = 1 + rankWidth + 2 + SEVERITY_WIDTH + 2;
  for (const root of roots) {
    const f = root.finding;
    block.lines.push(...headline(ctx, f, ` ${String(f.rank).padStart(rankWidth)}  `, 1 + rankWidth + 2));
    findingBody(block, ctx, bodyIndent, f, true);
    if (root.symptoms.length > 0) {
      const n = countNodes(root.symptoms);
      block.lines.push(" ".repeat(bodyIndent) + ctx.paint(ANSI.dim, `explains ${n} symptom${n === 1 ? "" : "s"}:`));
      symptomRows(block, ctx, bodyIndent, root.symptoms);
    }
    block.lines.push("");
  }
}

function header(block: Block, ctx: Ctx, report: Report): void {
  const s = report.snapshot;
  const where = [
    s.cluster ? `cluster ${s.cluster}` : undefined,
    `snapshot ${s.source}`,
    s.collectedAt ? `collected ${s.collectedAt}` : undefined,
  ].filter((x): x is string => x !== undefined);
  const [first = "", ...rest] = wrapItems(["kube-netdiag", ...where.map(oneLine)], " · ", ctx.width);
  block.lines.push(first.replace("kube-netdiag", ctx.paint(ANSI.bold, "kube-netdiag")), ...rest);
  if (report.findings.length === 0) return;
  const counts = severityCounts(report.summary.bySeverity)
    .map((c) => ctx.paint(SEVERITY_STYLE[c.severity], `${c.count} ${c.severity}`))
    .join(", ");
  const roots = foldSymptoms(report.findings);
  const advice = roots.filter((n) => n.finding.advice).length;
  const faults = roots.length - advice;
  const parts = [`${faults} root cause${faults === 1 ? "" : "s"}`, ...(advice > 0 ? [`${advice} advice`] : [])];
  const total = report.findings.length;
  block.lines.push(`${parts.join(", ")} (${total} finding${total === 1 ? "" : "s"}: ${counts})`);
}

/** Wrap a list at its separators only, so an item such as "log files 23" never splits. */
function wrapItems(items: readonly string[], separator: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line ? `${line}${separator}${item}` : item;
    if (line && next.length > width) {
      lines.push(`${line}${separator.trimEnd()}`);
      line = item;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function coverage(block: Block, ctx: Ctx, report: Report): void {
  const c = report.coverage;
  block.lines.push(ctx.paint(ANSI.bold, "COVERAGE"));
  const rules = `${c.rulesRun} rule${c.rulesRun === 1 ? "" : "s"} run`;
  const checked = checkedSummary(c.checked).map((x) => oneLine(`${x.label} ${x.count}`));
  block.labelled(2, "rules", [rules]);
  const pad = " ".repeat(2 + LABEL_WIDTH);
  block.labelledLines(2, "checked", wrapItems(checked, " · ", block.proseWidth(2 + LABEL_WIDTH)));
  if (c.rulesSkipped.length > 0) {
    const n = c.rulesSkipped.length;
    block.labelled(2, "skipped", [`${n} rule${n === 1 ? "" : "s"} could not run for missing data:`], ANSI.yellow);
    const idWidth = Math.max(...c.rulesSkipped.map((s) => oneLine(s.ruleId).length));
    for (const s of c.rulesSkipped) {
      const reason = s.reason ? ` (${oneLine(s.reason)})` : "";
      block.lines.push(`${pad}${oneLine(s.ruleId).padEnd(idWidth)}  ${ctx.paint(ANSI.dim, `needs ${oneLine(s.missing)}${reason}`)}`);
    }
  }
  if (c.notes.length > 0) block.labelled(2, "notes", c.notes);
}

/** `--symptom`: which of the symptom's candidate causes were found, ruled out, or could not be checked. */
function symptomCheck(block: Block, ctx: Ctx, report: Report): void {
  const check = report.symptom;
  if (!check) return;
  block.lines.push(`${ctx.paint(ANSI.bold, "SYMPTOM")}  ${oneLine(check.description)} ${ctx.paint(ANSI.dim, `(--symptom ${oneLine(check.id)})`)}`);
  const outcome = symptomOutcome(check);
  const width = "not checked  ".length;
  const rows: [string, string[], string][] = [
    ["found", outcome.found, ANSI.boldRed],
    ["ruled out", outcome.ruledOut, ""],
    ["not checked", outcome.notChecked, ANSI.yellow],
  ];
  for (const [label, causes, style] of rows) {
    if (causes.length === 0) continue;
    // Causes not checked carry a reason each: one per line; the others pack together.
    const lines = label === "not checked" ? causes.map(oneLine) : wrapItems(causes.map(oneLine), " · ", block.proseWidth(2 + width));
    lines.forEach((line, i) =>
      block.lines.push(`  ${i === 0 ? ctx.paint(ANSI.dim, label.padEnd(width)) : " ".repeat(width)}${ctx.paint(style, line)}`),
    );
  }
  block.lines.push("");
}

function warnings(block: Block, ctx: Ctx, report: Report): void {
  if (report.warnings.length === 0) return;
  block.lines.push("");
  block.lines.push(ctx.paint(ANSI.bold, `WARNINGS (${report.warnings.length})`));
  for (const w of report.warnings) {
    const [first = "", ...rest] = wrap(oneLine(w), block.proseWidth(4));
    block.lines.push(`  ${ctx.paint(ANSI.yellow, "!")} ${first}`);
    for (const l of rest) block.lines.push(`    ${l}`);
  }
}

export function renderText(report: Report, options: FormatOptions): string {
  const ctx: Ctx = { paint: painter(options.color), verbose: options.verbose, width: options.width ?? DEFAULT_WIDTH };
  const block = new Block(ctx);
  header(block, ctx, report);
  block.lines.push("");
  symptomCheck(block, ctx, report);
  const nodes = foldSymptoms(report.findings);
  const faults = nodes.filter((n) => !n.finding.advice);
  const advice = nodes.filter((n) => n.finding.advice);
  if (faults.length === 0) {
    const skipped = report.coverage.rulesSkipped.length;
    const caveat = skipped > 0 ? ` ${skipped} rule${skipped === 1 ? "" : "s"} could not run for missing data (see coverage).` : "";
    const more = advice.length > 0 ? " Best-practice advice follows." : "";
    block.lines.push(`${ctx.paint(ANSI.bold, "No problems found.")}${more}${caveat}`);
    block.lines.push("");
  }
  if (faults.length > 0) {
    block.lines.push(ctx.paint(ANSI.bold, `ROOT CAUSES (${faults.length})`));
    rootRows(block, ctx, faults);
  }
  if (advice.length > 0) {
    block.lines.push(ctx.paint(ANSI.bold, `ADVICE (${advice.length})`));
    rootRows(block, ctx, advice);
  }
  coverage(block, ctx, report);
  warnings(block, ctx, report);
  return `${block.lines.join("\n")}\n`;
}

export const formatText: Formatter = renderText;
