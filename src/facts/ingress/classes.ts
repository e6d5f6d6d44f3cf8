/**
 * Which IngressClass (and so which controller) serves an Ingress.
 *
 * Semantics kept from Kubernetes:
 * - `spec.ingressClassName` names an IngressClass object, which must exist;
 * - the legacy annotation `kubernetes.io/ingress.class` names a class that the
 *   controller matches by its own flag (e.g. ingress-nginx `--ingress-class`),
 *   so no IngressClass object is required for it;
 * - an Ingress with neither is served by the default IngressClass
 *   (`ingressclass.kubernetes.io/is-default-class: "true"`). The
 *   DefaultIngressClass admission plugin writes that class into the Ingress
 *   at creation, so a classless Ingress in a snapshot was created before any
 *   default existed, or while several existed (creation is then rejected).
 */
import type { Ingress, IngressClass } from "../../model/k8s.js";
import type { ObjectRef } from "../../types/evidence.js";

export const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
export const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

/** The classes marked default, sorted by name (so a tie resolves the same way every run). */
export function defaultIngressClasses(classes: readonly IngressClass[]): IngressClass[] {
  return classes
    .filter((c) => c.metadata.annotations[DEFAULT_CLASS_ANNOTATION] === "true")
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export interface ClassResolution {
  /** Where the class came from. */
  source: "spec" | "annotation" | "default" | "none";
  className?: string;
  /** The IngressClass object, when one exists for the class name. */
  ingressClass?: ObjectRef;
  /** `spec.controller` of that IngressClass, e.g. `k8s.io/ingress-nginx`. */
  controller?: string;
  problem?: "class-not-found" | "no-class-no-default";
  notes: string[];
}

function classRef(c: IngressClass): ObjectRef {
  return { kind: "IngressClass", name: c.metadata.name };
}

export function resolveIngressClass(ing: Ingress, classes: readonly IngressClass[]): ClassResolution {
  const byName = new Map(classes.map((c) => [c.metadata.name, c]));
  const fieldClass = ing.spec.ingressClassName ?? undefined;
  const annotationClass = ing.metadata.annotations[LEGACY_CLASS_ANNOTATION];
  const notes: string[] = [];

  if (fieldClass && annotationClass && fieldClass !== annotationClass) {
    notes.push(`spec.ingressClassName "${fieldClass}" and annotation ${LEGACY_CLASS_ANNOTATION} "${annotationClass}" disagree; controllers differ in which one they honour`);
  }
  if (fieldClass) {
    const ic = byName.get(fieldClass);
    if (!ic) return { source: "spec", className: fieldClass, problem: "class-not-found", notes };
    return withClass({ source: "spec", className: fieldClass, notes }, ic);
  }
  if (annotationClass) {
    notes.push(`class set by the deprecated annotation ${LEGACY_CLASS_ANNOTATION}; use spec.ingressClassName`);
    const ic = byName.get(annotationClass);
    const r: ClassResolution = { source: "annotation", className: annotationClass, notes };
    return ic ? withClass(r, ic) : r;
  }
  const defaults = defaultIngressClasses(classes);
  if (defaults.length === 0) return { source: "none", problem: "no-class-no-default", notes };
  if (defaults.length > 1) {
    notes.push(`${defaults.length} IngressClasses are marked default (${defaults.map((d) => d.metadata.name).join(", ")}): new Ingresses without a class are rejected`);
  }
  notes.push("no class set: served by the default IngressClass only if its controller picks up classless Ingresses");
  return withClass({ source: "default", className: defaults[0]!.metadata.name, notes }, defaults[0]!);
}

function withClass(r: ClassResolution, ic: IngressClass): ClassResolution {
  r.ingressClass = classRef(ic);
  if (ic.spec.controller) r.controller = ic.spec.controller;
  return r;
}
