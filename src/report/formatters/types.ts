import type { Report } from "../../types/report.js";

export interface FormatOptions {
  /** ANSI colors in text output; the CLI decides (TTY, NO_COLOR, --no-color). Other formats ignore it. */
  color: boolean;
  /** Text output: add evidence, rule metadata and symptom details. Other formats always include them. */
  verbose: boolean;
  /** Text output: wrap prose at this many columns (default 100); the CLI may pass the terminal width. */
  width?: number;
}

export type Formatter = (report: Report, options: FormatOptions) => string;
