/**
 * ReferenceGrant (gateway.networking.k8s.io/v1beta1) matching.
 *
 * A reference from an object in one namespace to an object in another is
 * allowed only when a ReferenceGrant in the TARGET namespace lists
 * - in `spec.from`, the referrer's group, kind and namespace (all three exact);
 * - in `spec.to`, the target's group and kind, and either no name (every
 *   object of that kind) or the target's name.
 * Same-namespace references never need a grant. The core API group is "".
 */
import type { ReferenceGrant } from "../../model/crds.js";
import type { ObjectRef } from "../../types/evidence.js";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";

export interface ReferenceFrom {
  group: string;
  kind: string;
  namespace: string;
}

export interface ReferenceTo {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ReferenceDecision {
  allowed: boolean;
  /** Why: same namespace, or the grant that allows it. */
  via: "same-namespace" | "grant" | "none";
  grant?: ObjectRef;
}

function grantAllows(g: ReferenceGrant, from: ReferenceFrom, to: ReferenceTo): boolean {
  const fromOk = g.spec.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace);
  const toOk = g.spec.to.some((t) => t.group === to.group && t.kind === to.kind && (!t.name || t.name === to.name));
  return fromOk && toOk;
}

export function referenceAllowed(from: ReferenceFrom, to: ReferenceTo, grants: readonly ReferenceGrant[]): ReferenceDecision {
  if (from.namespace === to.namespace) return { allowed: true, via: "same-namespace" };
  const grant = grants.find((g) => (g.metadata.namespace ?? "default") === to.namespace && grantAllows(g, from, to));
  if (!grant) return { allowed: false, via: "none" };
  return { allowed: true, via: "grant", grant: { kind: "ReferenceGrant", namespace: to.namespace, name: grant.metadata.name } };
}
