/**
 * `conntrack -S`: one line of counters per CPU,
 *
 *   cpu=0   	found=0 invalid=1843 insert=0 insert_failed=312 drop=312 early_drop=0 error=0 search_restart=4
 *
 * summed over CPUs. The counter set varies with the kernel (`ignore`,
 * `clash_resolve`, `chaintoolong`…), so every `key=value` is kept.
 */
import { type LineSource, type SkippedLines, linesOf, newSkipped, recordSkipped } from "./lines.js";

/** Counter name → value. Null-prototype: names come from the input. */
export type ConntrackCounters = Record<string, number>;

export interface ConntrackStats {
  perCpu: { cpu: number; counters: ConntrackCounters; line: number }[];
  totals: ConntrackCounters;
  /** Frequently read totals (0 when the kernel does not report them). */
  insertFailed: number;
  drop: number;
  earlyDrop: number;
  invalid: number;
  error: number;
  lineCount: number;
  skipped: SkippedLines;
}

const PAIR = /^([a-z_]+)=(\d+)$/;

export function parseConntrackStats(input: LineSource): ConntrackStats {
  const stats: ConntrackStats = {
    perCpu: [],
    totals: Object.create(null) as ConntrackCounters,
    insertFailed: 0,
    drop: 0,
    earlyDrop: 0,
    invalid: 0,
    error: 0,
    lineCount: 0,
    skipped: newSkipped(),
  };
  for (const raw of linesOf(input)) {
    const lineNo = ++stats.lineCount;
    const line = raw.trim();
    if (line === "") continue;
    const words = line.split(/\s+/);
    const cpu = PAIR.exec(words[0]!);
    if (!cpu || cpu[1] !== "cpu") {
      recordSkipped(stats.skipped, lineNo, raw);
      continue;
    }
    const counters = Object.create(null) as ConntrackCounters;
    for (const word of words.slice(1)) {
      const m = PAIR.exec(word);
      if (!m) continue;
      const value = Number(m[2]);
      counters[m[1]!] = value;
      stats.totals[m[1]!] = (stats.totals[m[1]!] ?? 0) + value;
    }
    stats.perCpu.push({ cpu: Number(cpu[2]), counters, line: lineNo });
  }
  stats.insertFailed = stats.totals["insert_failed"] ?? 0;
  stats.drop = stats.totals["drop"] ?? 0;
  stats.earlyDrop = stats.totals["early_drop"] ?? 0;
  stats.invalid = stats.totals["invalid"] ?? 0;
  stats.error = stats.totals["error"] ?? 0;
  return stats;
}
