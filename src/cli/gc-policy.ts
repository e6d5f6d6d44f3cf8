/**
 * How the `diagnose` process collects garbage. A diagnosis builds one large
 * model and keeps it to the end; V8's default lets the heap grow to up to four
 * times the live data between full collections, which on a 50,000-pod snapshot
 * is most of the peak memory. Growing by 20 % at a time keeps that snapshot
 * well under 1.5 GB for about the same run time (bench: `npm run bench`,
 * docs/robustness-and-scale.md).
 */
import { setFlagsFromString } from "node:v8";

export const GC_FLAGS = ["--heap-growing-percent=20"];

/** Applied by the command-line launcher (and the benchmark, which measures what users run) before any snapshot is read. */
export function applyGcPolicy(): void {
  for (const flag of GC_FLAGS) setFlagsFromString(flag);
}
