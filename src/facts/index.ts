/**
 * The fact builders of every layer, and the one pass that computes all facts
 * of all subjects. Several builders may contribute facts to the same subject
 * (a Service gets service facts, policy facts, proxy facts…): they are merged.
 */
import { refKey, type Evidence, type ObjectRef } from "../types/evidence.js";
import type { ClusterModel } from "../model/model.js";
import { cniFacts } from "./cni.js";
import { dnsFacts } from "./dns.js";
import { gatewayFacts } from "./gateway.js";
import { ingressFacts } from "./ingress.js";
import { meshFacts } from "./mesh.js";
import { nodeFacts } from "./node.js";
import { policyFacts } from "./policy.js";
import { proxyFacts } from "./proxy.js";
import { serviceFacts } from "./service.js";
import { workloadFacts } from "./workload.js";
import type { FactBuilder, FactDefinition, SubjectFacts, SubjectKind } from "./types.js";

export const FACT_BUILDERS: readonly FactBuilder[] = [serviceFacts, workloadFacts, nodeFacts, dnsFacts, proxyFacts, cniFacts, policyFacts, ingressFacts, gatewayFacts, meshFacts];

export const FACT_DEFINITIONS: ReadonlyMap<string, FactDefinition> = new Map(
  FACT_BUILDERS.flatMap((b) => b.facts).map((f) => [f.name, f]),
);

export interface Subject {
  kind: SubjectKind;
  subject: ObjectRef;
  values: Record<string, unknown>;
  evidence: Record<string, Evidence[]>;
  scope: ObjectRef[];
}

export function computeFacts(model: ClusterModel, builders: readonly FactBuilder[] = FACT_BUILDERS): Subject[] {
  const merged = new Map<string, Subject>();
  for (const builder of builders) {
    for (const sf of builder.build(model)) mergeInto(merged, sf);
  }
  return [...merged.values()];
}

function mergeInto(merged: Map<string, Subject>, sf: SubjectFacts): void {
  const key = `${sf.kind}|${refKey(sf.subject)}`;
  const existing = merged.get(key);
  if (!existing) {
    merged.set(key, { kind: sf.kind, subject: sf.subject, values: { ...sf.values }, evidence: { ...(sf.evidence ?? {}) }, scope: [...(sf.scope ?? [])] });
    return;
  }
  Object.assign(existing.values, sf.values);
  Object.assign(existing.evidence, sf.evidence ?? {});
  existing.scope.push(...(sf.scope ?? []));
}
