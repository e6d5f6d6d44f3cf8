/**
 * What differs between the lines of near-identical node dumps: packet and byte
 * counters (`[12:720] -A …`, `:KUBE-SERVICES - [0:0]`) and the header's date.
 * A 100-node cluster has millions of distinct counter pairs; kept as strings
 * they cost more memory than all the rules. Here they are numbers, written as
 * varints into one byte array per dump (about 7 bytes a line), and anything
 * else (dates, counters written in a form numbers would not give back exactly)
 * is an id into a shared table of strings.
 *
 * Lines are read back in order (a whole dump's text) or one at a time (an
 * evidence line): a checkpoint every 64 lines bounds the decoding of one line.
 */

/** Distinct strings by id; where the variable parts that are not counters go. */
export interface StringTable {
  idOf(text: string): number;
  text(id: number): string;
}

const enum Kind {
  None = 0,
  /** `[packets:bytes] ` before the rest of the line. */
  PrefixCounters = 1,
  /** ` [packets:bytes]` after the rest of the line. */
  SuffixCounters = 2,
  /** Any other variable part, by id in the string table. */
  Other = 3,
}

const CHECKPOINT_EVERY = 64;
/** Digits a counter may have and still come back exactly from a double (2^53 has 16). */
const MAX_DIGITS = 15;

/** `bytes[from, to)` as a number when they are digits that printing the number gives back exactly; else undefined. */
function exactCount(bytes: Uint8Array, from: number, to: number): number | undefined {
  const digits = to - from;
  if (digits <= 0 || digits > MAX_DIGITS || (digits > 1 && bytes[from] === 48)) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i]!;
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** The counters of `[p:b] ` / ` [p:b]` in `bytes[from, to)`, when that is exactly what the part is. */
function countersOf(bytes: Uint8Array, from: number, to: number): { kind: Kind; packets: number; bytes: number } | undefined {
  const prefix = bytes[from] === 0x5b && bytes[to - 2] === 0x5d && bytes[to - 1] === 0x20;
  const suffix = bytes[from] === 0x20 && bytes[from + 1] === 0x5b && bytes[to - 1] === 0x5d;
  if (!prefix && !suffix) return undefined;
  const open = prefix ? from + 1 : from + 2;
  const close = prefix ? to - 2 : to - 1;
  const colon = bytes.indexOf(0x3a, open);
  if (colon === -1 || colon >= close) return undefined;
  const packets = exactCount(bytes, open, colon);
  const count = exactCount(bytes, colon + 1, close);
  return packets === undefined || count === undefined ? undefined : { kind: prefix ? Kind.PrefixCounters : Kind.SuffixCounters, packets, bytes: count };
}

/** Builds a dump's variable parts line by line. */
export class VariablePartsWriter {
  private bytes = new Uint8Array(1024);
  private length = 0;
  private lines = 0;
  private checkpoints: number[] = [];

  constructor(private readonly strings: StringTable) {}

  /** The next line has no variable part. */
  addNone(): void {
    this.nextLine();
    this.byte(Kind.None);
  }

  /** The next line's variable part is `bytes[from, to)`. */
  addBytes(bytes: Buffer, from: number, to: number): void {
    this.nextLine();
    const counters = countersOf(bytes, from, to);
    if (counters) {
      this.byte(counters.kind);
      this.varint(counters.packets);
      this.varint(counters.bytes);
    } else {
      this.byte(Kind.Other);
      this.varint(this.strings.idOf(bytes.toString("utf8", from, to)));
    }
  }

  private nextLine(): void {
    if (this.lines++ % CHECKPOINT_EVERY === 0) this.checkpoints.push(this.length);
  }

  finish(): VariableParts {
    return new VariableParts(this.strings, this.bytes.slice(0, this.length), Int32Array.from(this.checkpoints), this.lines);
  }

  private byte(b: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = b;
  }

  /** LEB128, with arithmetic rather than bit operations: counters pass 2^32. */
  private varint(n: number): void {
    while (n >= 128) {
      this.byte((n % 128) + 128);
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }
}

/** A dump's variable parts, line by line, as they were written. */
export class VariableParts implements Iterable<string> {
  constructor(
    private readonly strings: StringTable,
    private readonly bytes: Uint8Array,
    private readonly checkpoints: Int32Array,
    readonly lineCount: number,
  ) {}

  /** Line `i`'s variable part (0-based). */
  at(i: number): string {
    const reader = new PartReader(this.strings, this.bytes, this.checkpoints[Math.floor(i / CHECKPOINT_EVERY)]!);
    for (let skip = i % CHECKPOINT_EVERY; skip > 0; skip--) reader.skip();
    return reader.next();
  }

  *[Symbol.iterator](): Generator<string> {
    const reader = new PartReader(this.strings, this.bytes, 0);
    for (let i = 0; i < this.lineCount; i++) yield reader.next();
  }
}

class PartReader {
  constructor(
    private readonly strings: StringTable,
    private readonly bytes: Uint8Array,
    private at: number,
  ) {}

  next(): string {
    const kind = this.bytes[this.at++] as Kind;
    switch (kind) {
      case Kind.None:
        return "";
      case Kind.PrefixCounters:
        return `[${this.varint()}:${this.varint()}] `;
      case Kind.SuffixCounters:
        return ` [${this.varint()}:${this.varint()}]`;
      default:
        return this.strings.text(this.varint());
    }
  }

  skip(): void {
    const kind = this.bytes[this.at++] as Kind;
    const numbers = kind === Kind.None ? 0 : kind === Kind.Other ? 1 : 2;
    for (let n = 0; n < numbers; n++) while (this.bytes[this.at++]! >= 128);
  }

  private varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.bytes[this.at++]!;
      n += (b % 128) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
  }
}

/** A line put back together from its body and its variable part (a prefix starts with `[`). */
export function withVariablePart(body: string, part: string): string {
  if (part === "") return body;
  return part.charCodeAt(0) === 91 ? part + body : body + part;
}
