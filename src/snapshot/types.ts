/** What the snapshot reader hands to the model builder: raw files, nothing parsed yet. */
export interface SnapshotFiles {
  /** Where it came from (the path the user gave). */
  source: string;
  /**
   * Snapshot-relative POSIX paths (root folder stripped) → raw bytes, in the
   * order they were read. A compacted entry is listed with no bytes: its
   * content is in `compacted`.
   */
  files: Map<string, Buffer>;
  /** Problems that did not stop reading (e.g. a truncated tail). */
  warnings: string[];
  /** Entries a compactor took over as they were read (their bytes were not kept): path → compacted text. */
  compacted?: Map<string, CompactText>;
}

/** A text entry kept in a smaller form than its bytes (e.g. 100 nodes' near-identical iptables dumps). */
export interface CompactText {
  text(): string;
  /** Line `n` (1-based), without rebuilding the whole text. */
  line(n: number): string | undefined;
}

/**
 * Takes over the entries it wants as they are read, so that their bytes never
 * sit in memory together: a 100-node snapshot's dumps are most of its size.
 */
export interface TextCompactor {
  /** Called with the entry's name inside the archive (root folder not yet stripped). */
  wants(name: string): boolean;
  compact(data: Buffer): CompactText;
}

export interface ReadOptions {
  compactor?: TextCompactor;
}

export interface ReadLimits {
  /** Largest single entry, after decompression. */
  maxEntryBytes: number;
  /** Total of the unpacked archive (entries, tar headers and padding), after decompression. */
  maxTotalBytes: number;
  /** Number of entries (files, folders and anything refused). */
  maxEntries: number;
  /**
   * Largest unpacked/compressed ratio, checked once more than `ratioCheckAfterBytes`
   * are unpacked: kubectl JSON, logs and iptables dumps gzip 5–30×, a bomb ~1000×,
   * so a bomb is refused after a few dozen MiB instead of at the total limit.
   */
  maxCompressionRatio: number;
  ratioCheckAfterBytes: number;
  /** Longest entry name (PATH_MAX): pax headers can carry names of any length. */
  maxNameLength: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 200_000,
  maxCompressionRatio: 200,
  ratioCheckAfterBytes: 64 * 1024 * 1024,
  maxNameLength: 4096,
};

/** A snapshot that cannot be read at all: the CLI prints `message` on one line and exits 2. */
export class SnapshotError extends Error {
  override name = "SnapshotError";
}
