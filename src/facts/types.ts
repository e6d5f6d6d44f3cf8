/**
 * The contract between fact builders and rules. A fact builder (one per layer,
 * `src/facts/<layer>.ts`) computes, once per diagnosis, the facts of every
 * subject of some kind; rules test those facts by name.
 *
 * Fact names are `<layer>.<camelCaseName>`. Every fact is declared with its
 * subject kind, a zod shape, an example and the snapshot files it needs, so
 * that (1) docs/facts.md is generated from these declarations, (2) tests check
 * every computed value against its shape, and (3) a rule whose facts need a
 * file missing from the snapshot is reported as skipped, never silently passed.
 */
import type { z } from "zod";
import type { Evidence, ObjectRef } from "../types/evidence.js";
import type { ClusterModel } from "../model/model.js";

export const SUBJECT_KINDS = [
  "Cluster", "Namespace", "Node", "Pod", "Workload", "Service", "NetworkPolicy",
  "Ingress", "Gateway", "HTTPRoute", "VirtualService", "DestinationRule", "PeerAuthentication",
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface FactDefinition {
  /** `<layer>.<camelCaseName>`, e.g. `service.matchingPodCount`. */
  name: string;
  subject: SubjectKind;
  description: string;
  shape: z.ZodType;
  example: unknown;
  /**
   * Snapshot paths (globs with `*` allowed) without which this fact cannot be
   * computed. A rule testing the fact is skipped when any is absent.
   */
  requires: string[];
}

/** The facts one builder computed for one subject. */
export interface SubjectFacts {
  subject: ObjectRef & { kind: SubjectKind };
  values: Record<string, unknown>;
  /** Evidence per fact name: cited by every finding whose rule tests that fact. */
  evidence?: Record<string, Evidence[]>;
}

export interface FactBuilder {
  /** The layer this builder serves (also its file name). */
  layer: string;
  facts: FactDefinition[];
  build(model: ClusterModel): Iterable<SubjectFacts>;
}
