/** What the snapshot reader hands to the model builder: raw files, nothing parsed yet. */
export interface SnapshotFiles {
  /** Where it came from (the path the user gave). */
  source: string;
  /** Snapshot-relative POSIX paths (root folder stripped) → raw bytes. */
  files: Map<string, Buffer>;
  /** Problems that did not stop reading (e.g. a truncated tail). */
  warnings: string[];
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
