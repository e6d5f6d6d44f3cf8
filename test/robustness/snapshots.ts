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
