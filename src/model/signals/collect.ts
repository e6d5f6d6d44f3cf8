/**
 * Runs signal definitions over the places the snapshot keeps component
 * output: a pod's log files (current and previous container) and event
 * messages (kubelet readiness and sandbox failures reach the snapshot as
 * events). Event evidence points at the event object, weighted by its count.
 */
import { clip } from "../../types/evidence.js";
import type { Event } from "../k8s.js";
import type { ClusterModel, LogFile } from "../model.js";
import { type SignalDefinition, type SignalSummary, mergeSignals, scanLines } from "./scan.js";

export function scanLogFiles(files: readonly LogFile[], definitions: readonly SignalDefinition[]): Map<string, SignalSummary> {
  const found = new Map<string, SignalSummary>();
  for (const f of files) mergeSignals(found, scanLines(f.path, f.lines, definitions));
  return found;
}

/** The log files of one pod (every container, current and previous). */
export function podLogFiles(model: ClusterModel, namespace: string, pod: string): LogFile[] {
  return model.logs.filter((l) => l.namespace === namespace && l.pod === pod);
}

export function scanEvents(model: ClusterModel, events: readonly Event[], definitions: readonly SignalDefinition[]): Map<string, SignalSummary> {
  const found = new Map<string, SignalSummary>();
  for (const event of events) {
    const message = event.message ?? "";
    if (message === "") continue;
    const hits = scanLines("resources/events.json", message.split("\n"), definitions);
    for (const s of hits.values()) {
      // An event stands for `count` occurrences of its message.
      s.count = Math.max(1, event.count ?? 1);
      s.samples = [model.evidence(event, "message", clip(`${event.reason ?? ""}: ${message}`))];
    }
    mergeSignals(found, hits);
  }
  return found;
}

/** Total count of the given signal ids. */
export function signalCount(found: ReadonlyMap<string, SignalSummary>, ids: readonly string[]): number {
  let n = 0;
  for (const id of ids) n += found.get(id)?.count ?? 0;
  return n;
}
