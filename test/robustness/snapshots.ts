/** Fixture snapshots as raw entries, and ways to pack (or damage) them, for the robustness tests. */
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { fixturePath } from "../helpers/fixtures.js";

export type Entries = [name: string, body: Buffer][];

/** Every file of fixtures/out/<name>, resources first (collectors write them first; the order matters for truncation tests). */
export async function fixtureEntries(name: string): Promise<Entries> {
  const root = fixturePath(name);
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
  const entries: Entries = await Promise.all(
    files.map(async (d) => {
      const path = join(d.parentPath, d.name);
      return [relative(root, path).split("\\").join("/"), await readFile(path)] as [string, Buffer];
    }),
  );
  const rank = (n: string) => (n === "manifest.json" ? 0 : n.startsWith("resources/") ? 1 : 2);
  return entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** A tar laid out as the collector writes it: everything under one top-level folder. */
export async function packTar(entries: Entries, folder = "netdiag-test-20261122T1030Z"): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const mtime = new Date("2026-11-22T10:30:00Z");
  for (const [name, body] of entries) pack.entry({ name: folder ? `${folder}/${name}` : name, mtime, mode: 0o644 }, body);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function packTgz(entries: Entries, folder?: string): Promise<Buffer> {
  return gzipSync(await packTar(entries, folder));
}

/** Byte offset just past the data of the entry whose name ends with `suffix`, read from the ustar headers. */
export function tarOffsetAfter(tarBytes: Buffer, suffix: string): number {
  let offset = 0;
  while (offset + 512 <= tarBytes.length) {
    const header = tarBytes.subarray(offset, offset + 512);
    const field = (from: number, to: number) => header.subarray(from, to).toString("latin1").replace(/\0.*$/s, "");
    const name = [field(345, 500), field(0, 100)].filter(Boolean).join("/");
    if (name === "") break;
    const size = parseInt(field(124, 136).trim(), 8);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (name.endsWith(suffix)) return offset;
  }
  throw new Error(`no entry ending with ${suffix}`);
}

let scratch: string | undefined;

/** Writes bytes to a fresh file in a per-process scratch directory and returns its path. */
export async function scratchFile(name: string, content: Buffer | string): Promise<string> {
  scratch ??= await mkdtemp(join(tmpdir(), "netdiag-robust-"));
  const p = join(scratch, name);
  await writeFile(p, content);
  return p;
}

export async function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "netdiag-robust-dir-"));
}

/** A raw ustar header, for archives no well-behaved packer would write (lying sizes, odd types). */
export function ustarHeader(name: string, size: number, typeflag = "0"): Buffer {
  const h = Buffer.alloc(512);
  const put = (value: string, at: number, len: number) => h.write(value.slice(0, len), at, len, "latin1");
  put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124, 12);
  put("15115273400\0", 136, 12);
  put("        ", 148, 8);
  put(typeflag, 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

/** A pax header entry ("x" for the next entry, "g" global) carrying `<len> key=value\n` records. */
export function paxEntry(records: Record<string, string>, typeflag: "x" | "g" = "x"): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let len = Buffer.byteLength(rest) + 1;
      while (Buffer.byteLength(`${len}${rest}`) !== len) len++;
      return `${len}${rest}`;
    })
    .join("");
  const bytes = Buffer.from(body, "utf8");
  const padded = Buffer.alloc(Math.ceil(bytes.length / 512) * 512);
  bytes.copy(padded);
  return Buffer.concat([ustarHeader("PaxHeader", bytes.length, typeflag), padded]);
}

/** A file entry: header plus data padded to 512 bytes. */
export function fileEntry(name: string, body: Buffer | string, typeflag = "0"): Buffer {
  const data = Buffer.from(body);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([ustarHeader(name, data.length, typeflag), padded]);
}

/** The two zero blocks that end a tar. */
export const TAR_END = Buffer.alloc(1024);
