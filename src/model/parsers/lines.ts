/**
 * Line input shared by the node-file parsers. Parsers accept either the whole
 * text or any iterable of lines (a stream reader, an array), so a 100,000-line
 * dump is handled one line at a time and never matched as a whole.
 */
export type LineSource = string | Iterable<string>;

/** Lines of `text` without their terminators (`\n` or `\r\n`), lazily. */
export function* splitLines(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    yield text.slice(start, stop);
    start = end + 1;
  }
}

export function linesOf(source: LineSource): Iterable<string> {
  return typeof source === "string" ? splitLines(source) : source;
}

/** Lines a parser could not make sense of: counted, and the first few kept for the report. */
export interface SkippedLines {
  count: number;
  samples: { line: number; text: string }[];
}

export const MAX_SKIPPED_SAMPLES = 5;
const MAX_SAMPLE_LENGTH = 200;

export function newSkipped(): SkippedLines {
  return { count: 0, samples: [] };
}

export function recordSkipped(skipped: SkippedLines, line: number, text: string): void {
  skipped.count++;
  if (skipped.samples.length < MAX_SKIPPED_SAMPLES) skipped.samples.push({ line, text: text.slice(0, MAX_SAMPLE_LENGTH) });
}
