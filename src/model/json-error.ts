/**
 * Finds where a JSON text stops being valid. Node's JSON.parse messages only
 * sometimes carry a position; users need a line number to open the file at
 * the spot, so on a parse failure we scan the text once more to locate it.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m || m[0] === "") fail();
    i += m![0].length;
  };
  const key = () => {
    ws();
    if (text[i] !== '"') fail();
    string();
    ws();
    if (text[i] !== ":") fail();
    i++;
  };
  const scalar = (): void => {
    const c = text[i];
    if (c === '"') return string();
    if (c === "t") return void literal("true");
    if (c === "f") return void literal("false");
    if (c === "n") return void literal("null");
    return number();
  };
  // An explicit stack of open containers, not recursion: a hostile file may nest a million levels deep.
  const open: ("{" | "[")[] = [];
  let needValue = true;
  try {
    for (;;) {
      ws();
      if (needValue) {
        const c = text[i];
        if (c === "{" || c === "[") {
          i++;
          ws();
          if (text[i] === (c === "{" ? "}" : "]")) {
            i++;
            needValue = false;
          } else {
            open.push(c);
            if (c === "{") key();
          }
        } else {
          scalar();
          needValue = false;
        }
        continue;
      }
      const top = open[open.length - 1];
      if (!top) break;
      if (text[i] === ",") {
        i++;
        if (top === "{") key();
        needValue = true;
      } else if (text[i] === (top === "{" ? "}" : "]")) {
        i++;
        open.pop();
      } else fail();
    }
    return i < text.length ? i : -1;
  } catch (at) {
    return typeof at === "number" ? at : 0;
  }
}

/** "line 12 (Unexpected token …)" for a failed JSON.parse. */
export function describeJsonError(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const reason = msg.replace(/ (in JSON )?at position \d+.*$/, "").replace(/, ".*" is not valid JSON$/s, "").split("\n")[0];
  const at = jsonErrorOffset(text);
  if (at < 0) return `invalid JSON (${reason})`;
  return `invalid JSON at line ${lineAt(text, at)} (${reason})`;
}

/** 1-based line of an offset, without splitting a file of possibly hundreds of MB. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) line++;
  return line;
}
