/**
 * Putting untrusted strings into Markdown (GitHub/GitLab flavoured, CommonMark
 * based) without letting them change the document's structure: no raw HTML,
 * no links or images smuggled in from a label value, no broken table rows, no
 * code span or fence closed early by a backtick in a log line. Escapes stay
 * backslash escapes so the file still reads well as plain text.
 */
import { codeLine, oneLine } from "./view.js";

/**
 * Characters escaped in prose. `<` (raw HTML, autolinks), `[` (links, images,
 * footnotes), `|` (table cells), `*` `_` `~` (emphasis, strikethrough), `\` (so an
 * escape in the data stays literal). `>` `#` `-` `+` `=` and `1.` matter only at
 * the start of a line, handled below. Backticks are handled by codeSegments().
 */
const PROSE_SPECIAL = /[\\<[|*_~]/g;
/** An entity reference such as `&lt;` in the data must show as typed, not as `<`. */
const ENTITY = /&(?=#?[A-Za-z0-9]+;)/g;
const LINE_START_MARKER = /^([>#+=-]|\d+[.)])/;

function escapeProse(text: string, atLineStart: boolean): string {
  const escaped = text.replace(PROSE_SPECIAL, "\\$&").replace(ENTITY, "\\&");
  if (!atLineStart) return escaped;
  return escaped.replace(LINE_START_MARKER, (m) => (/^\d/.test(m) ? `${m.slice(0, -1)}\\${m.slice(-1)}` : `\\${m}`));
}

/** The shortest backtick run that does not occur in `text`, at least `min` long. */
export function backtickFence(text: string, min: number): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return "`".repeat(Math.max(min, longest + 1));
}

/**
 * An inline code span holding `text` literally, whatever backticks it contains
 * (CommonMark: a fence longer than any run inside; a space pad when the text
 * starts or ends with a backtick). In a table cell pipes must be escaped even
 * inside code (GFM splits cells before parsing inlines).
 */
export function codeSpan(text: string, inTable = false): string {
  const content = oneLine(text);
  if (!content) return "";
  const fence = backtickFence(content, 1);
  const pad = content.startsWith("`") || content.endsWith("`") ? " " : "";
  const body = inTable ? content.replace(/\|/g, "\\|") : content;
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * Prose that may carry `code spans` (rule messages quote selectors and commands
 * that way): balanced backtick pairs become code spans, everything else is
 * escaped. With an odd number of backticks the pairing is unknowable (a backtick
 * came from the data), so all of them are shown literally.
 */
export function inlineMarkdown(text: string, inTable = false): string {
  const line = oneLine(text);
  const parts = line.split("`");
  if (parts.length % 2 === 0) return escapeProse(line, true).replace(/`/g, "\\`");
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeProse(part, i === 0);
      return part ? codeSpan(part, inTable) : "\\`\\`";
    })
    .join("");
}

/** A fenced code block of `lines`; the fence outlasts any backtick run inside, so no line can close it. */
export function fencedBlock(lines: readonly string[], info = ""): string {
  const body = lines.map(codeLine).join("\n");
  const fence = backtickFence(body, 3);
  return `${fence}${info}\n${body}\n${fence}`;
}
