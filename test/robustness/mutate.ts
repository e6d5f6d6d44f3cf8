/**
 * A seeded mutator over fixture snapshots, for the fuzzing harness. A case is
 * a fixture plus one to three mutations, at two levels:
 *  - objects: field deletions, type swaps, items moved to the wrong file,
 *    duplicated items, garbage in logs and node files;
 *  - archive: entry reordering, tar truncation, tar bit flips, gzip truncation,
 *    gzip bit flips, or no compression at all.
 * Every choice comes from the case's seed, so a failing case is reproduced
 * from its seed and description alone.
 */
import { gzipSync } from "node:zlib";
import { packTar, type Entries } from "./snapshots.js";

/** mulberry32: small, fast, good enough to pick mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A random container inside `root` (a walk of random length), with the key path to it. */
function randomContainer(rng: Rng, root: Json): { node: Json[] | { [k: string]: Json }; path: string } | undefined {
  let node: Json = root;
  let path = "";
  if (node === null || typeof node !== "object") return undefined;
  const steps = 1 + rng.int(8);
  for (let i = 0; i < steps; i++) {
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
    const containers = keys.filter((k) => {
      const v = (node as Record<string | number, Json>)[k];
      return v !== null && typeof v === "object";
    });
    if (containers.length === 0) break;
    const k = rng.pick(containers);
    node = (node as Record<string | number, Json>)[k]!;
    path += typeof k === "number" ? `[${k}]` : `.${k}`;
  }
  return { node: node as Json[] | { [k: string]: Json }, path };
}

const SWAPS: ((rng: Rng, old: Json) => Json)[] = [
  () => null,
  (_r, old) => (typeof old === "string" ? old.length : String(old)),
  () => [],
  () => ({}),
  (r) => r.chance(0.5),
  () => -1,
  () => 1e308,
  () => "",
  (r) => "x".repeat(1 + r.int(100_000)),
  () => "../../../etc/passwd",
  () => "\u0000\u001b[31m\n\r",
  () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as Json,
  // Replaced by deeply nested arrays once serialised (JSON.stringify itself would overflow on them).
  (r) => `${DEEP}${1 + r.int(20_000)}`,
];

const DEEP = "__netdiag_fuzz_deep_";

function serialise(doc: Json, indent: number): string {
  return JSON.stringify(doc, null, indent).replace(new RegExp(`"${DEEP}(\\d+)"`, "g"), (_m, n: string) => `${"[".repeat(Number(n))}${"]".repeat(Number(n))}`);
}

function deleteField(rng: Rng, doc: Json): string | undefined {
  const c = randomContainer(rng, doc);
  if (!c) return undefined;
  if (Array.isArray(c.node)) {
    if (c.node.length === 0) return undefined;
    const i = rng.int(c.node.length);
    c.node.splice(i, 1);
    return `delete ${c.path}[${i}]`;
  }
  const keys = Object.keys(c.node);
  if (keys.length === 0) return undefined;
  const k = rng.pick(keys);
  delete c.node[k];
  return `delete ${c.path}.${k}`;
}

function swapType(rng: Rng, doc: Json): string | undefined {
  const c = randomContainer(rng, doc);
  if (!c) return undefined;
  const keys: (string | number)[] = Array.isArray(c.node) ? c.node.map((_, i) => i) : Object.keys(c.node);
  if (keys.length === 0) return undefined;
  const k = rng.pick(keys);
  const swap = rng.int(SWAPS.length);
  (c.node as Record<string | number, Json>)[k] = SWAPS[swap]!(rng, (c.node as Record<string | number, Json>)[k]!);
  return `swap ${c.path}${typeof k === "number" ? `[${k}]` : `.${k}`} with variant ${swap}`;
}

export interface Mutated {
  bytes: Buffer;
  /** .tgz or .tar: what the file name says. */
  extension: string;
  steps: string[];
}

const RESOURCE = /^resources\/.*\.json$/;

/** Applies 1–3 object-level mutations in place; returns their descriptions. */
function mutateObjects(rng: Rng, entries: Entries): string[] {
  const steps: string[] = [];
  const count = 1 + rng.int(3);
  // Files holding deep nesting are not parsed again: JSON.stringify would overflow on them.
  const deep = new Set<string>();
  for (let m = 0; m < count; m++) {
    const kind = rng.int(6);
    const resources = entries.filter(([n]) => RESOURCE.test(n) && !deep.has(n));
    if (kind <= 2 && resources.length > 0) {
      const entry = rng.pick(resources);
      const doc = JSON.parse(entry[1].toString("utf8")) as Json;
      const step = kind === 0 ? deleteField(rng, doc) : kind === 1 ? swapType(rng, doc) : swapType(rng, doc) ?? deleteField(rng, doc);
      if (!step) continue;
      entry[1] = Buffer.from(serialise(doc, rng.chance(0.5) ? 2 : 0));
      if (step.includes(`variant ${SWAPS.length - 1}`)) deep.add(entry[0]);
      steps.push(`${entry[0]}: ${step}`);
    } else if (kind === 3 && resources.length > 1) {
      // An item in the wrong file, or the same item twice.
      const from = rng.pick(resources);
      const to = rng.pick(resources);
      const src = JSON.parse(from[1].toString("utf8")) as { items?: Json[] };
      const dst = JSON.parse(to[1].toString("utf8")) as { items?: Json[] };
      if (!Array.isArray(src.items) || src.items.length === 0 || !Array.isArray(dst.items)) continue;
      dst.items.splice(rng.int(dst.items.length + 1), 0, rng.pick(src.items));
      to[1] = Buffer.from(serialise(dst, 0));
      steps.push(`move an item of ${from[0]} into ${to[0]}`);
    } else if (kind === 4) {
      const texts = entries.filter(([n]) => /^(logs|nodes|probes)\//.test(n) || n === "collector.log");
      if (texts.length === 0) continue;
      const entry = rng.pick(texts);
      const garbage = Buffer.from(Array.from({ length: 1 + rng.int(3000) }, () => rng.int(256)));
      const at = rng.int(entry[1].length + 1);
      entry[1] = Buffer.concat([entry[1].subarray(0, at), garbage, rng.chance(0.3) ? Buffer.from("x".repeat(200_000)) : Buffer.alloc(0), entry[1].subarray(at)]);
      steps.push(`garbage into ${entry[0]} at ${at}`);
    } else {
      const i = rng.int(entries.length);
      const [name] = entries.splice(i, 1)[0]!;
      steps.push(`drop ${name}`);
    }
  }
  return steps;
}

function flipBits(rng: Rng, bytes: Buffer, from = 0): string {
  const out: number[] = [];
  const n = 1 + rng.int(8);
  for (let i = 0; i < n && bytes.length > from; i++) {
    const at = from + rng.int(bytes.length - from);
    bytes[at]! ^= 1 << rng.int(8);
    out.push(at);
  }
  return out.join(",");
}

/** One fuzz case: the fixture's entries (copied), mutated, packed, possibly damaged. */
export async function mutateSnapshot(seed: number, fixture: Entries): Promise<Mutated> {
  const rng = new Rng(seed);
  const entries: Entries = fixture.map(([n, b]) => [n, Buffer.from(b)]);
  const steps = rng.chance(0.7) ? mutateObjects(rng, entries) : [];
  if (rng.chance(0.3)) {
    for (let i = entries.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    steps.push("reorder entries");
  }
  let tarBytes = await packTar(entries, rng.chance(0.5) ? "netdiag-fuzz-20261122T1030Z" : "");
  const archive = rng.int(6);
  if (archive === 0) {
    tarBytes = Buffer.from(tarBytes.subarray(0, rng.int(tarBytes.length)));
    steps.push(`cut tar at ${tarBytes.length}`);
  } else if (archive === 1) {
    steps.push(`flip tar bits at ${flipBits(rng, tarBytes)}`);
  }
  if (archive !== 2 && rng.chance(0.15)) return { bytes: tarBytes, extension: "tar", steps: [...steps, "uncompressed"] };
  let gz = gzipSync(tarBytes);
  if (archive === 3) {
    gz = gz.subarray(0, rng.int(gz.length));
    steps.push(`cut gzip at ${gz.length}`);
  } else if (archive === 4) {
    steps.push(`flip gzip bits at ${flipBits(rng, gz, 10)}`);
  }
  return { bytes: gz, extension: "tgz", steps };
}
