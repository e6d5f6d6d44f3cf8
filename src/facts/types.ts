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
   * Snapshot paths (globs with `*` allowed; `a|b` when either will do)
   * without which this fact cannot be computed. A rule testing the fact is
   * skipped when any is absent.
   */
  requires: string[];
}

/** The facts one builder computed for one subject. */
export interface SubjectFacts {
  /** Which rules apply (their `given.kind`). */
  kind: SubjectKind;
  /** The object shown in findings: for a Workload subject its real kind (Deployment shop/web). */
  subject: ObjectRef;
  values: Record<string, unknown>;
  /** Evidence per fact name: cited by every finding whose rule tests that fact. */
  evidence?: Record<string, Evidence[]>;
  /**
   * Objects this subject depends on (a Service's backend pods, workloads and
   * their nodes…). A root cause whose subject is in a symptom's scope explains it.
   */
  scope?: ObjectRef[];
}

export interface FactBuilder {
  /** The layer this builder serves (also its file name). */
  layer: string;
  facts: FactDefinition[];
  build(model: ClusterModel): Iterable<SubjectFacts>;
  /** What this layer could not evaluate and the report must say (e.g. CNI policy CRDs present). */
  notes?(model: ClusterModel): string[];
}
