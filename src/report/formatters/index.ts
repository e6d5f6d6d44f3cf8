/**
 * The output formats of `diagnose --format`: pure functions (report, options) => string.
 * The CLI picks one with FORMATTERS[format](report, options).
 */
import { formatHtml } from "./html.js";
import { formatJson } from "./json.js";
import { formatMarkdown } from "./markdown.js";
import { formatText } from "./text.js";
import type { Formatter } from "./types.js";

export type { FormatOptions, Formatter } from "./types.js";

export const FORMAT_NAMES = ["text", "json", "md", "html"] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export const FORMATTERS: Record<FormatName, Formatter> = {
  text: formatText,
  json: formatJson,
  md: formatMarkdown,
  html: formatHtml,
};
