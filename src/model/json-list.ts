/**
 * The items of a Kubernetes List (`kubectl get -o json`), parsed one at a time
 * from the file's bytes. `JSON.parse` of a whole 50,000-pod pods.json holds the
 * file's text and every raw pod at once, next to the validated copies the model
 * keeps; one item at a time, only the bytes and the kept objects are alive.
 *
 * The result is exactly what `JSON.parse` of the whole file gives for `items`:
 * the bytes are only split at the List's top level (strings and nesting
 * tracked), each piece goes through `JSON.parse`, and the rest of the List
 * (apiVersion, kind, metadata) is parsed too, with `items` emptied. Anything
 * this splitter does not expect — another top-level shape, an escaped or
 * repeated `items` key, a syntax error anywhere — returns undefined, and the
 * caller parses the whole file as before (which names the line of the error).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const ITEMS_KEY = Buffer.from('"items"');

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(b: Buffer, at: number): number {
  while (at < b.length && isSpace(b[at])) at++;
  return at;
}

/** Index just past the string starting at `at` (a quote); -1 if it does not end. */
function skipString(b: Buffer, at: number): number {
  for (let i = at + 1; i < b.length; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** Index just past the value starting at `at`; -1 if it is cut off or unbalanced. Its content is checked later, by JSON.parse. */
function skipValue(b: Buffer, at: number): number {
  const first = b[at];
  if (first === QUOTE) return skipString(b, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let i = at;
    while (i < b.length && !isSpace(b[i]) && b[i] !== COMMA && b[i] !== CLOSE_BRACE && b[i] !== CLOSE_BRACKET) i++;
    return i > at ? i : -1;
  }
  const closers: number[] = [];
  for (let i = at; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) {
      i = skipString(b, i) - 1;
      if (i < 0) return -1;
    } else if (c === OPEN_BRACE) closers.push(CLOSE_BRACE);
    else if (c === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (closers.pop() !== c) return -1;
      if (closers.length === 0) return i + 1;
    }
  }
  return -1;
}

interface ListLayout {
  /** [start, end) of each item in the bytes. */
  items: number[];
  /** Where the items array's content starts and ends (inside its brackets). */
  inner: [number, number];
}

/** Where the items are in a top-level object with one `"items": [...]` key; undefined for any other shape. */
function listLayout(b: Buffer): ListLayout | undefined {
  let at = skipSpace(b, 0);
  if (b[at] !== OPEN_BRACE) return undefined;
  at = skipSpace(b, at + 1);
  let layout: ListLayout | undefined;
  while (b[at] === QUOTE) {
    const keyEnd = skipString(b, at);
    if (keyEnd < 0) return undefined;
    const key = b.subarray(at, keyEnd);
    if (key.includes(BACKSLASH)) return undefined;
    at = skipSpace(b, keyEnd);
    if (b[at] !== COLON) return undefined;
    at = skipSpace(b, at + 1);
    if (key.equals(ITEMS_KEY)) {
      if (layout || b[at] !== OPEN_BRACKET) return undefined;
      const items = itemBounds(b, at);
      if (!items) return undefined;
      layout = items;
      at = items.inner[1] + 1;
    } else {
      at = skipValue(b, at);
      if (at < 0) return undefined;
    }
    at = skipSpace(b, at);
    if (b[at] === COMMA) at = skipSpace(b, at + 1);
    else break;
  }
  if (b[at] !== CLOSE_BRACE || skipSpace(b, at + 1) !== b.length) return undefined;
  return layout;
}

/** The items of the array opening at `open`, and where it closes. */
function itemBounds(b: Buffer, open: number): ListLayout | undefined {
  const items: number[] = [];
  let at = skipSpace(b, open + 1);
  if (b[at] === CLOSE_BRACKET) return { items, inner: [open + 1, at] };
  for (;;) {
    const end = skipValue(b, at);
    if (end < 0) return undefined;
    items.push(at, end);
    at = skipSpace(b, end);
    if (b[at] === CLOSE_BRACKET) return { items, inner: [open + 1, at] };
    if (b[at] !== COMMA) return undefined;
    at = skipSpace(b, at + 1);
  }
}

/**
 * The List's items, parsed one at a time as they are iterated; undefined when
 * the bytes are not a List this splitter reads (the caller then parses the
 * whole file). Iterating throws JSON.parse's SyntaxError where the file is not
 * valid JSON, possibly after some items: the file as a whole is then invalid.
 */
export function listItems(bytes: Buffer): Iterable<unknown> | undefined {
  const layout = listLayout(bytes);
  return layout && parseEach(bytes, layout);
}

function* parseEach(bytes: Buffer, layout: ListLayout): Generator<unknown> {
  // The List around the items must be valid JSON too, as it is for JSON.parse of the whole file.
  JSON.parse(bytes.toString("utf8", 0, layout.inner[0]) + bytes.toString("utf8", layout.inner[1]));
  for (let i = 0; i < layout.items.length; i += 2) yield JSON.parse(bytes.toString("utf8", layout.items[i], layout.items[i + 1]));
}
