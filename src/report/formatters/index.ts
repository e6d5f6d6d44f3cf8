/** Formatters: pure functions (report, options) => string, one per output format. */
import type { Report } from "../../types/report.js";

export interface FormatOptions {
  color: boolean;
  verbose: boolean;
}

export type Formatter = (report: Report, options: FormatOptions) => string;

const json: Formatter = (report) => `${JSON.stringify(report, null, 2)}\n`;

const text: Formatter = (report) => {
  const lines = [`kube-netdiag: ${report.summary.rootCauses} root causes, ${report.summary.findings} findings`];
  for (const f of report.findings) lines.push(`${f.explainedBy ? "    ↳" : `${f.rank}.`} [${f.severity}] ${f.cause} ${f.message}`);
  return `${lines.join("\n")}\n`;
};

export const FORMATTERS = { text, json, md: text, html: json } as const satisfies Record<string, Formatter>;
export type FormatName = keyof typeof FORMATTERS;
