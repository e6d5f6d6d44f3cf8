/** Helpers for signal tests: scan real lines and look at what fired. */
import { type SignalDefinition, type SignalSummary, scanLines } from "../../src/model/signals/scan.js";
import { realdata } from "../helpers/realdata.js";

export function scan(lines: readonly string[], definitions: readonly SignalDefinition[], file = "test.log"): Map<string, SignalSummary> {
  return scanLines(file, lines, definitions);
}

/** Lines of a shared/realdata log, without the trailing empty line. */
export function realLines(path: string): string[] {
  return realdata(path).replace(/\n$/, "").split("\n");
}

/** `{ id: count }` of the signals that fired. */
export function counts(found: Map<string, SignalSummary>): Record<string, number> {
  return Object.fromEntries([...found.values()].map((s) => [s.id, s.count]));
}
