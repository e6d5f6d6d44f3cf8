/**
 * The Caddyfile grammar CoreDNS reads its Corefile with (a fork of Caddy v1,
 * github.com/coredns/caddy: caddyfile/lexer.go and parse.go). Only syntax
 * lives here; CoreDNS meaning (zones, plugins, options) is in corefile.ts.
 *
 * - Tokens are separated by whitespace. A token that *starts* with `"` runs to
 *   the closing quote, where only `\"` is an escape. `#` starts a comment
 *   anywhere outside quotes. `{` and `}` are braces only as whole tokens:
 *   `example.com{` is one word (coredns/coredns#7121).
 * - A server block is one or more keys (a trailing `,` continues the key list
 *   on the next line) and a `{ }` block of directive lines; a directive line
 *   may open nested blocks. A key list with no `{` takes directives to EOF.
 * - `(name) { … }` defines a snippet that `import name` splices in place;
 *   `import <file glob>` names files a snapshot does not have: noted only.
 * - `{$VAR}` and `{%VAR%}` are environment placeholders, kept verbatim.
 *
 * Nothing throws: problems become issues with a line number and parsing goes
 * on, so the rest of the file is still described.
 */

interface Token {
  text: string;
  line: number;
  quoted: boolean;
  /** Splice origin: a snippet's tokens never share a line with their neighbours. */
  origin: number;
}

export interface Directive {
  name: string;
  args: string[];
  line: number;
  /** The lines of the directive's `{ }` block, each read as `name args…`. */
  block?: Directive[];
  /** Set when the line came from a snippet through `import`. */
  fromSnippet?: string;
}

export interface KeyToken {
  text: string;
  line: number;
}

export interface CaddyBlock {
  keys: KeyToken[];
  directives: Directive[];
  line: number;
}

export interface ImportLine {
  pattern: string;
  line: number;
  scope: "top-level" | "server-block" | "directive-block";
  /** Index of the enclosing server block, when inside one. */
  blockIndex?: number;
}

export type SyntaxIssueCode =
  | "unterminated-quote"
  | "missing-close-brace"
  | "unexpected-close-brace"
  | "unexpected-open-brace"
  | "block-without-keys"
  | "expected-another-key"
  | "snippet-without-block"
  | "snippet-redeclared"
  | "import-arity"
  | "expansion-limit"
  | "nesting-too-deep";

export interface SyntaxIssue {
  code: SyntaxIssueCode;
  line: number;
  message: string;
}

export interface ParsedCaddyfile {
  blocks: CaddyBlock[];
  snippets: { name: string; line: number }[];
  imports: ImportLine[];
  envPlaceholders: { name: string; line: number }[];
  issues: SyntaxIssue[];
}

// Guards for hostile input: snippets can import snippets, braces can nest.
const MAX_SNIPPET_EXPANSIONS = 100;
const MAX_TOKENS = 200_000;
const MAX_NESTING = 32;

const PLACEHOLDER_RE = /\{\$([^}\s]*)\}|\{%([^%\s]*)%\}/g;

/** Split Caddyfile text into tokens the way coredns/caddy's lexer does. */
function lex(text: string, issues: SyntaxIssue[] = []): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let val = "";
  let tokLine = 1;
  let inToken = false;
  let quoted = false;
  let escaped = false;
  let comment = false;
  const push = (isQuoted: boolean): void => {
    tokens.push({ text: val, line: tokLine, quoted: isQuoted, origin: 0 });
    inToken = false;
    val = "";
  };
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (!escaped && ch === "\\") {
        escaped = true;
        continue;
      }
      if (!escaped && ch === '"') {
        quoted = false;
        push(true);
        continue;
      }
      if (ch === "\n") line++;
      if (escaped && ch !== '"') val += "\\"; // only \" is an escape
      val += ch;
      escaped = false;
      continue;
    }
    if (/\s/.test(ch)) {
      if (ch === "\r") continue;
      if (ch === "\n") {
        line++;
        comment = false;
      }
      if (inToken) push(false);
      continue;
    }
    if (ch === "#") comment = true;
    if (comment) continue;
    if (!inToken) {
      inToken = true;
      tokLine = line;
      if (ch === '"') {
        quoted = true;
        continue;
      }
    }
    val += ch;
  }
  if (quoted) {
    issues.push({ code: "unterminated-quote", line: tokLine, message: "quoted string opened here is never closed: it swallows the rest of the file" });
    push(true);
  } else if (inToken) {
    push(false);
  }
  return tokens;
}

function lineBreaks(t: Token): number {
  let n = 0;
  for (let i = 0; i < t.text.length; i++) if (t.text.charCodeAt(i) === 10) n++;
  return n;
}

function isNewLine(prev: Token | undefined, cur: Token): boolean {
  return !prev || prev.origin !== cur.origin || prev.line + lineBreaks(prev) < cur.line;
}

function isBrace(t: Token | undefined, brace: "{" | "}"): boolean {
  return t !== undefined && !t.quoted && t.text === brace;
}

class Parser {
  private tokens: Token[];
  private i = 0;
  private origins = 0;
  private expansions = 0;
  private readonly snippets = new Map<string, Token[]>();
  private readonly snippetOf = new Map<number, string>();
  readonly out: ParsedCaddyfile = { blocks: [], snippets: [], imports: [], envPlaceholders: [], issues: [] };

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private get tok(): Token | undefined {
    return this.tokens[this.i];
  }

  private sameLine(): boolean {
    const t = this.tok;
    return t !== undefined && !isNewLine(this.tokens[this.i - 1], t);
  }

  private atImport(): boolean {
    const t = this.tok;
    return t !== undefined && !t.quoted && t.text === "import" && isNewLine(this.tokens[this.i - 1], t);
  }

  private report(code: SyntaxIssueCode, line: number, message: string): void {
    this.out.issues.push({ code, line, message });
  }

  parse(): ParsedCaddyfile {
    while (this.tok) {
      if (this.atImport()) this.handleImport("top-level");
      else this.parseServerBlock();
    }
    return this.out;
  }

  /** `import X`: splice snippet X in place, or note a file import we cannot follow. */
  private handleImport(scope: ImportLine["scope"], blockIndex?: number): void {
    const imp = this.tok!;
    this.i++;
    const args: Token[] = [];
    while (this.sameLine() && !isBrace(this.tok, "{") && !isBrace(this.tok, "}")) {
      args.push(this.tok!);
      this.i++;
    }
    const pattern = args[0]?.text ?? "";
    if (args.length !== 1 || pattern === "") {
      this.report("import-arity", imp.line, `import takes exactly one argument (a snippet name or a file glob), got ${args.length}`);
      return;
    }
    const snippet = this.snippets.get(pattern);
    if (!snippet) {
      this.out.imports.push(blockIndex === undefined ? { pattern, line: imp.line, scope } : { pattern, line: imp.line, scope, blockIndex });
      return;
    }
    if (this.expansions >= MAX_SNIPPET_EXPANSIONS || this.tokens.length + snippet.length > MAX_TOKENS) {
      this.report("expansion-limit", imp.line, `snippet imports go beyond ${MAX_SNIPPET_EXPANSIONS} expansions or ${MAX_TOKENS} tokens; stopped expanding`);
      return;
    }
    this.expansions++;
    const origin = ++this.origins;
    this.snippetOf.set(origin, pattern);
    const copies = snippet.map((t) => ({ ...t, origin }));
    this.tokens = [...this.tokens.slice(0, this.i), ...copies, ...this.tokens.slice(this.i)];
  }

  private parseServerBlock(): void {
    const first = this.tok!;
    if (isBrace(first, "}")) {
      this.report("unexpected-close-brace", first.line, "'}' closes nothing: no block is open here");
      this.i++;
      return;
    }
    const keys: KeyToken[] = [];
    let expectingAnother = false;
    while (this.tok && !isBrace(this.tok, "{")) {
      const t = this.tok;
      this.i++;
      if (t.text !== "") {
        expectingAnother = t.text.endsWith(",");
        const text = expectingAnother ? t.text.slice(0, -1) : t.text;
        if (text !== "") keys.push({ text, line: t.line });
      }
      if (!expectingAnother && !this.sameLine()) break;
    }
    if (expectingAnother) this.report("expected-another-key", this.tok?.line ?? first.line, "a server key ends with ',' but no other key follows");
    const open = isBrace(this.tok, "{") ? this.tok : undefined;
    if (open) this.i++;
    if (keys.length === 0) {
      if (open) {
        this.report("block-without-keys", open.line, "a '{ }' block with no zone before it: CoreDNS ignores everything in it");
        this.parseBlockLines(open.line, true, undefined);
      }
      return;
    }
    const snippet = keys.length === 1 ? /^\((.*)\)$/.exec(keys[0]!.text) : null;
    if (snippet) {
      this.defineSnippet(snippet[1]!, keys[0]!.line, open);
      return;
    }
    const block: CaddyBlock = { keys, directives: [], line: keys[0]!.line };
    const index = this.out.blocks.push(block) - 1;
    block.directives = this.parseBlockLines(open?.line ?? block.line, open !== undefined, index);
  }

  private defineSnippet(name: string, line: number, open: Token | undefined): void {
    if (!open) {
      this.report("snippet-without-block", line, `snippet '(${name})' must be followed by '{'`);
      return;
    }
    const body: Token[] = [];
    let depth = 1;
    while (this.tok) {
      const t = this.tok;
      this.i++;
      if (isBrace(t, "}") && --depth === 0) break;
      if (isBrace(t, "{")) depth++;
      body.push(t);
    }
    if (depth !== 0) this.report("missing-close-brace", open.line, `'{' of snippet '(${name})' opened at line ${open.line} is never closed`);
    if (this.snippets.has(name)) this.report("snippet-redeclared", line, `snippet '${name}' is declared twice`);
    this.snippets.set(name, body);
    this.out.snippets.push({ name, line });
  }

  /** Directive lines of a server block up to its '}' (or to EOF when it has no '{'). */
  private parseBlockLines(openLine: number, braced: boolean, blockIndex: number | undefined): Directive[] {
    const lines: Directive[] = [];
    for (;;) {
      const t = this.tok;
      if (!t) {
        if (braced) this.report("missing-close-brace", openLine, `'{' opened at line ${openLine} is never closed${swallowHint(lines)}`);
        return lines;
      }
      if (isBrace(t, "}")) {
        this.i++;
        if (!braced) this.report("unexpected-close-brace", t.line, "'}' closes nothing: this server block has no '{'");
        return lines;
      }
      if (isBrace(t, "{")) {
        this.i++;
        this.report("unexpected-open-brace", t.line, "'{' where a directive name was expected");
        this.parseNested(t.line, 1, blockIndex);
      } else if (this.atImport()) {
        this.handleImport("server-block", blockIndex);
      } else {
        lines.push(this.parseDirective(0, blockIndex));
      }
    }
  }

  /** One `name args… [{ … }]` line. At depth 0, CoreDNS rejects a '}' on that same line. */
  private parseDirective(depth: number, blockIndex: number | undefined): Directive {
    const head = this.tok!;
    this.i++;
    const d: Directive = { name: head.text, args: [], line: head.line };
    const from = this.snippetOf.get(head.origin);
    if (from) d.fromSnippet = from;
    while (this.sameLine()) {
      const t = this.tok!;
      if (isBrace(t, "}")) {
        if (depth === 0) this.report("unexpected-close-brace", t.line, `'}' on the same line as '${d.name}': CoreDNS expects it on a line of its own`);
        break;
      }
      this.i++;
      if (isBrace(t, "{")) d.block = [...(d.block ?? []), ...this.parseNested(t.line, depth + 1, blockIndex)];
      else d.args.push(t.text);
    }
    return d;
  }

  /** Lines inside a directive's `{ }`, consuming the closing '}'. */
  private parseNested(openLine: number, depth: number, blockIndex: number | undefined): Directive[] {
    if (depth > MAX_NESTING) {
      this.report("nesting-too-deep", openLine, `blocks nest deeper than ${MAX_NESTING} levels`);
      this.skipBalanced(openLine);
      return [];
    }
    const lines: Directive[] = [];
    for (;;) {
      const t = this.tok;
      if (!t) {
        this.report("missing-close-brace", openLine, `'{' opened at line ${openLine} is never closed`);
        return lines;
      }
      if (isBrace(t, "}")) {
        this.i++;
        return lines;
      }
      if (isBrace(t, "{")) {
        this.i++;
        lines.push(...this.parseNested(t.line, depth + 1, blockIndex));
      } else if (this.atImport()) {
        this.handleImport("directive-block", blockIndex);
      } else {
        lines.push(this.parseDirective(depth, blockIndex));
      }
    }
  }

  /** Skip to the '}' matching an already consumed '{', iteratively. */
  private skipBalanced(openLine: number): void {
    let depth = 1;
    while (this.tok) {
      const t = this.tok;
      this.i++;
      if (isBrace(t, "{")) depth++;
      else if (isBrace(t, "}") && --depth === 0) return;
    }
    this.report("missing-close-brace", openLine, `'{' opened at line ${openLine} is never closed`);
  }
}

// Plugins of the stock Kubernetes Corefiles that are never also an option
// name inside another plugin's block (unlike `tls`, `reload`, `transfer`).
const COMMON_PLUGINS = new Set(["errors", "health", "ready", "kubernetes", "prometheus", "forward", "cache", "loop", "loadbalance", "hosts", "rewrite", "proxy"]);

/**
 * When a server block never closes, the usual cause is a plugin block missing
 * its '}' that swallowed the plugin lines after it: name that plugin.
 */
function swallowHint(lines: Directive[]): string {
  for (const d of lines) {
    const swallowed = (d.block ?? []).find((o) => COMMON_PLUGINS.has(o.name));
    if (swallowed) {
      return `; the block of '${d.name}' (line ${d.line}) is probably missing its '}': it swallows '${swallowed.name}' (line ${swallowed.line})`;
    }
  }
  return "";
}

function placeholders(tokens: Token[]): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  for (const t of tokens) {
    if (!t.text.includes("{")) continue;
    for (const m of t.text.matchAll(PLACEHOLDER_RE)) found.push({ name: m[1] ?? m[2] ?? "", line: t.line });
  }
  return found;
}

/** Parse Caddyfile text into server blocks, snippets, imports and syntax issues. */
export function parseCaddyfile(text: string): ParsedCaddyfile {
  const issues: SyntaxIssue[] = [];
  const tokens = lex(typeof text === "string" ? text : "", issues);
  const out = new Parser(tokens).parse();
  out.issues.push(...issues);
  out.envPlaceholders = placeholders(tokens);
  return out;
}
