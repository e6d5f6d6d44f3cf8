/**
 * Reads a snapshot (`.tgz`, `.tar.gz`, `.tar` or a directory) into memory as
 * raw files. Tars are streamed through zlib and tar-stream and never extracted
 * to disk; every entry is checked before its bytes are kept:
 *  - names are normalised and must stay inside the snapshot root;
 *  - only regular files are accepted (links, devices and FIFOs are refused);
 *  - entry size, total size and entry count are counted as bytes arrive,
 *    because a tar header's size (and gzip's ratio) cannot be trusted.
 * A hostile or unreadable snapshot raises SnapshotError (one line, exit 2);
 * a truncated one keeps what was read and adds a warning.
 */
import { createReadStream } from "node:fs";
import { lstat, open, readdir, readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { PassThrough, Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { type CompactText, DEFAULT_LIMITS, type ReadOptions, SnapshotError, type ReadLimits, type SnapshotFiles } from "./types.js";

const EMPTY = Buffer.alloc(0);

/** What was read: raw bytes, and the entries a compactor took over. */
interface Entries {
  files: Map<string, Buffer>;
  compacted: Map<string, CompactText>;
}

export async function readSnapshot(source: string, limits: ReadLimits = DEFAULT_LIMITS, options: ReadOptions = {}): Promise<SnapshotFiles> {
  const info = await lstat(source).catch((e: NodeJS.ErrnoException) => {
    throw new SnapshotError(`cannot read snapshot ${source}: ${e.code === "ENOENT" ? "no such file or directory" : e.message}`);
  });
  const entries: Entries = { files: new Map(), compacted: new Map() };
  const keep = (name: string, data: Buffer) => {
    const compacted = options.compactor?.wants(name) ? options.compactor.compact(data) : undefined;
    entries.files.set(name, compacted ? EMPTY : data);
    if (compacted) entries.compacted.set(name, compacted);
  };
  const warnings: string[] = [];
  if (info.isDirectory()) await readDirectory(source, limits, keep);
  else if (info.isFile()) await readArchive(source, info.size, limits, warnings, keep);
  else throw new SnapshotError(`cannot read snapshot ${source}: not a file or directory`);
  if (entries.files.size === 0) {
    throw new SnapshotError(info.isDirectory() ? `cannot read snapshot ${source}: the directory is empty` : `cannot read snapshot ${source}: the archive holds no files`);
  }
  const strip = rootFolder([...entries.files.keys()]);
  const files = stripRootFolder(entries.files, strip);
  return { source, files, warnings, ...(entries.compacted.size > 0 ? { compacted: stripRootFolder(entries.compacted, strip) } : {}) };
}

/** Normalise a tar/dir entry name; null for names that must be refused. */
export function safeEntryName(name: string): string | null {
  if (name.includes("\0") || name.includes("\\")) return null;
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return null;
  const normal = posix.normalize(name).replace(/^\.\/+/, "").replace(/\/+$/, "");
  if (normal === "" || normal === ".") return "";
  if (normal === ".." || normal.startsWith("../")) return null;
  return normal;
}

const GZIP_MAGIC = [0x1f, 0x8b];

async function sniff(path: string): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function looksLikeTar(head: Buffer): boolean {
  // POSIX/GNU tar headers carry "ustar" at offset 257; old v7 tars do not, so
  // also accept a header whose checksum field is octal digits.
  if (head.length >= 262 && head.subarray(257, 262).toString("latin1") === "ustar") return true;
  if (head.length < 512) return false;
  const chk = head.subarray(148, 156).toString("latin1").replace(/[\0 ]/g, "");
  return /^[0-7]+$/.test(chk);
}

/** Counts what a snapshot costs as it is read, and refuses it as soon as it costs too much. */
class Budget {
  entries = 0;
  /** Bytes read from the archive file, before gunzip. */
  compressed = 0;
  /** Bytes after gunzip: entry data, tar headers and padding. */
  unpacked = 0;
  /** Entry data only (what directories are measured in). */
  kept = 0;
  current = "";
  constructor(private readonly limits: ReadLimits) {}

  entry(name: string): void {
    this.current = name;
    if (++this.entries > this.limits.maxEntries) {
      throw new SnapshotError(`snapshot refused: more than ${this.limits.maxEntries} entries (at ${printable(name)})`);
    }
  }

  /** An entry's size, declared (tar header) or measured (directory): refused before a byte is read. */
  declared(name: string, size: number): void {
    if (size > this.limits.maxEntryBytes) {
      throw new SnapshotError(`snapshot refused: entry ${printable(name)} is larger than ${mib(this.limits.maxEntryBytes)}`);
    }
    if (this.kept + size > this.limits.maxTotalBytes) {
      throw new SnapshotError(`snapshot refused: more than ${mib(this.limits.maxTotalBytes)} once unpacked (at ${printable(name)})`);
    }
    this.kept += size;
  }

  /** Bytes coming out of gunzip (or the plain tar): a tar header's size cannot be trusted, this can. */
  unpack(n: number): void {
    this.unpacked += n;
    if (this.unpacked > this.limits.maxTotalBytes) {
      throw new SnapshotError(`snapshot refused: more than ${mib(this.limits.maxTotalBytes)} once unpacked${this.current ? ` (at ${printable(this.current)})` : ""}`);
    }
    const { maxCompressionRatio: ratio, ratioCheckAfterBytes: after } = this.limits;
    if (this.compressed > 0 && this.unpacked > after && this.unpacked > ratio * this.compressed) {
      throw new SnapshotError(
        `snapshot refused: ${mib(this.unpacked)} unpacked from ${mib(this.compressed)} of gzip (more than ${ratio}:1), a decompression bomb`,
      );
    }
  }
}

function mib(n: number): string {
  return n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KiB` : `${Math.round(n / 1024 / 1024)} MiB`;
}

/** A pass-through stream that reports every chunk's size; a throwing `count` fails the pipeline. */
function meter(count: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        count(chunk.length);
        done(null, chunk);
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

const IO_CHUNK = 1024 * 1024;
/** Compressed bytes are read in small steps so the bomb ratio compares what gunzip has actually consumed. */
const GZIP_READ_CHUNK = 64 * 1024;

/**
 * The decompressed bytes of a gzip file. A pipeline would destroy the tar
 * extractor on the first gzip error (a truncated download, a bad checksum) and
 * drop the entries still buffered in it; here a gzip error is reported through
 * `onDamage` and simply ends the stream, so every byte zlib produced is read.
 */
function gunzipKeepingWhatWasRead(source: Readable, budget: Budget, onDamage: (e: Error) => void): Readable {
  const gunzip = createGunzip();
  const out = new PassThrough();
  const stop = (e: Error) => {
    onDamage(e);
    out.end();
  };
  gunzip.on("data", (chunk: Buffer) => {
    if (!out.write(chunk)) gunzip.pause();
  });
  out.on("drain", () => gunzip.resume());
  gunzip.on("end", () => out.end());
  gunzip.on("error", stop);
  source.on("error", stop);
  out.on("close", () => {
    source.destroy();
    gunzip.destroy();
  });
  source.pipe(meter((n) => (budget.compressed += n))).pipe(gunzip);
  return out;
}

async function readArchive(path: string, size: number, limits: ReadLimits, warnings: string[], keep: (name: string, data: Buffer) => void): Promise<void> {
  if (size === 0) throw new SnapshotError(`cannot read snapshot ${path}: the file is empty`);
  const head = await sniff(path);
  const gzipped = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (!gzipped && !looksLikeTar(head)) {
    throw new SnapshotError(`cannot read snapshot ${path}: not a gzip or tar archive (expected .tgz, .tar.gz, .tar or a directory)`);
  }
  let kept = 0;
  const budget = new Budget(limits);
  const extract = tar.extract();
  const source = createReadStream(path, { highWaterMark: gzipped ? GZIP_READ_CHUNK : IO_CHUNK });
  let damage: Error | undefined;
  const tarBytes = gzipped ? gunzipKeepingWhatWasRead(source, budget, (e) => (damage ??= e)) : source;
  let streamError: Error | undefined;
  const piping = pipeline(tarBytes, meter((n) => budget.unpack(n)), extract).catch((e: Error) => {
    streamError = e;
  });
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      budget.entry(name);
      if (name.length > limits.maxNameLength) throw new SnapshotError(`snapshot refused: an entry name is longer than ${limits.maxNameLength} characters`);
      const safe = safeEntryName(name);
      if (safe === null) throw new SnapshotError(`snapshot refused: entry "${printable(name)}" points outside the snapshot`);
      const type = entry.header.type;
      if (type === "directory") {
        entry.resume();
        continue;
      }
      if (type !== "file" && type !== "contiguous-file") {
        throw new SnapshotError(`snapshot refused: entry "${printable(name)}" is a ${type ?? "file of unknown type"}, only regular files are allowed`);
      }
      const body = await readEntry(entry as AsyncIterable<Buffer>, safe, entry.header.size ?? 0, budget);
      if (safe !== "") {
        keep(safe, body);
        kept++;
      }
    }
  } catch (e) {
    source.destroy();
    tarBytes.destroy();
    extract.destroy();
    if (e instanceof SnapshotError) throw e;
    streamError ??= e as Error;
  }
  await piping;
  if (streamError instanceof SnapshotError) throw streamError;
  // Damage in the gzip layer is the cause; the tar layer then only saw the data end early.
  streamError = damage ?? streamError;
  if (streamError) {
    const why = describeStreamError(streamError, budget.entries);
    if (kept === 0) throw new SnapshotError(`cannot read snapshot ${path}: ${why}`);
    warnings.push(`snapshot is damaged (${why}): diagnosing the ${kept} files read before the damage`);
  }
}

/** One entry's bytes, copied once into a buffer of the declared size (checked against the limits first). */
async function readEntry(entry: AsyncIterable<Buffer>, name: string, declared: number, budget: Budget): Promise<Buffer> {
  budget.declared(name, declared);
  const body = Buffer.allocUnsafe(declared);
  let got = 0;
  for await (const chunk of entry) {
    // tar-stream never yields more than the header's size; refuse rather than trust that.
    if (got + chunk.length > declared) throw new SnapshotError(`snapshot refused: entry ${printable(name)} is longer than its header says`);
    chunk.copy(body, got);
    got += chunk.length;
  }
  return got === declared ? body : body.subarray(0, got);
}

function describeStreamError(e: Error, entriesRead: number): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "Z_BUF_ERROR" || /unexpected end/i.test(e.message)) return "the archive is truncated";
  if (code === "Z_DATA_ERROR") return "the gzip data is corrupt";
  if (/invalid tar header/i.test(e.message)) return entriesRead === 0 ? "no tar archive inside (invalid tar header)" : "the tar is corrupt (invalid tar header)";
  return printable(e.message.split("\n")[0] ?? "unreadable archive");
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
}

async function readDirectory(root: string, limits: ReadLimits, keep: (name: string, data: Buffer) => void): Promise<void> {
  const budget = new Budget(limits);
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const d of entries) {
      const relPath = rel ? `${rel}/${d.name}` : d.name;
      budget.entry(relPath);
      if (d.isDirectory()) await walk(relPath);
      else if (d.isFile()) {
        const st = await lstat(join(root, relPath));
        budget.declared(relPath, st.size);
        keep(relPath, await readFile(join(root, relPath)));
      } else {
        throw new SnapshotError(`snapshot refused: ${relPath} is a link or device, only regular files are allowed`);
      }
    }
  };
  await walk("");
}

const ROOT_MARKERS = ["manifest.json", "resources", "logs", "nodes", "probes", "collector.log"];

/** Content may sit at the root or inside exactly one top-level folder (SPEC §1): that folder, if so. */
function rootFolder(names: string[]): string | undefined {
  const tops = new Set<string>();
  for (const name of names) tops.add(name.split("/")[0]!);
  if (tops.size !== 1) return undefined;
  const [top] = [...tops];
  if (ROOT_MARKERS.includes(top!) || names.includes(top!)) return undefined;
  return top;
}

function stripRootFolder<T>(files: Map<string, T>, top: string | undefined): Map<string, T> {
  if (top === undefined) return files;
  const stripped = new Map<string, T>();
  for (const [name, value] of files) stripped.set(name.slice(top.length + 1), value);
  return stripped;
}
