/**
 * The Ingress layer's analysis in one pass: per Ingress, its backends and
 * whether they resolve, its class and the health of the controller serving
 * it, its TLS secrets, and the host/path claims it shares with other
 * Ingresses of its class. Pure: arrays of validated objects in, plain data out.
 */
import type { Ingress, IngressClass, Pod, Service } from "../../model/k8s.js";
import type { ClusterModel, SecretEntry } from "../../model/model.js";
import type { ObjectRef } from "../../types/evidence.js";
import { enumerateBackends, indexServices, resolveBackends, type IngressBackend, type ResolvedBackend } from "./backends.js";
import { resolveIngressClass, type ClassResolution } from "./classes.js";
import { findRuleConflicts, pathClaims, type RuleConflict } from "./conflicts.js";
import { controllersForClass, findControllerPods, type ClassControllers, type ControllerPod } from "./controllers.js";
import { checkIngressTls, type TlsCheck } from "./tls.js";

export interface IngressInputs {
  ingresses: readonly Ingress[];
  ingressClasses: readonly IngressClass[];
  services: readonly Service[];
  pods: readonly Pod[];
  /** The secrets index; undefined when the snapshot has none (TLS checks then say "unknown"). */
  secrets?: readonly SecretEntry[] | undefined;
}

export interface IngressAnalysis {
  ingress: ObjectRef;
  backends: IngressBackend[];
  /** The Service backends, resolved against the Ingress's namespace. */
  serviceBackends: ResolvedBackend[];
  class: ClassResolution;
  /** Health of the controller serving the resolved IngressClass, when there is one. */
  controller?: ClassControllers;
  tls: TlsCheck[];
  /** Conflicts this Ingress takes part in. */
  conflicts: RuleConflict[];
}

export interface IngressLayerAnalysis {
  ingresses: IngressAnalysis[];
  classes: ClassControllers[];
  controllerPods: ControllerPod[];
  conflicts: RuleConflict[];
}

/** The snapshot's Ingress analysis, computed once per model for every layer that reads it (ingress, policy). */
export function ingressAnalysisOf(model: ClusterModel): IngressLayerAnalysis {
  return model.memo("ingress.analysis", () =>
    analyzeIngresses({
      ingresses: model.resources.ingresses,
      ingressClasses: model.resources.ingressclasses,
      services: model.resources.services,
      pods: model.resources.pods,
      secrets: model.secrets,
    }),
  );
}

export function analyzeIngresses(input: IngressInputs): IngressLayerAnalysis {
  const services = indexServices(input.services);
  const controllerPods = findControllerPods(input.pods);
  const classes = input.ingressClasses.map((ic) => controllersForClass(ic, controllerPods));
  const classByName = new Map(classes.map((c) => [c.ingressClass.name, c]));

  const perIngress = input.ingresses.map((ing) => ({ ing, cls: resolveIngressClass(ing, input.ingressClasses) }));
  const conflicts = findRuleConflicts(perIngress.flatMap(({ ing, cls }) => pathClaims(ing, cls.className ?? "")));

  const ingresses = perIngress.map(({ ing, cls }): IngressAnalysis => {
    const ref: ObjectRef = { kind: "Ingress", namespace: ing.metadata.namespace ?? "default", name: ing.metadata.name };
    const a: IngressAnalysis = {
      ingress: ref,
      backends: enumerateBackends(ing),
      serviceBackends: resolveBackends(ing, services),
      class: cls,
      tls: checkIngressTls(ing, input.secrets),
      conflicts: conflicts.filter((c) => c.claims.some((cl) => cl.ingress.namespace === ref.namespace && cl.ingress.name === ref.name)),
    };
    const controller = cls.ingressClass ? classByName.get(cls.ingressClass.name) : undefined;
    if (controller) a.controller = controller;
    return a;
  });
  return { ingresses, classes, controllerPods, conflicts };
}
