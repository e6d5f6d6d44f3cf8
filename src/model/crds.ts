/**
 * Lenient zod schemas of the CRDs the ingress, gateway and mesh layers read:
 * Gateway API v1 (GatewayClass, Gateway, HTTPRoute, ReferenceGrant) and Istio
 * networking/security (VirtualService, DestinationRule, PeerAuthentication).
 * They arrive in the model as `GenericObject`; a layer parses them with these
 * schemas and skips (with a warning) the ones that do not fit. Only the fields
 * the analyses read are modelled; `looseObject` keeps everything else.
 *
 * Defaults follow the APIs, but are applied by the analyses, not here, so that
 * "absent" stays distinguishable from "set to the default" in evidence.
 */
import { z } from "zod";
import { LabelSelector, Metadata } from "./k8s.js";

const str = z.string().nullish();
const int = z.number().int().nullish();

/** metav1.Condition as Gateway API controllers write it. */
export const CrdCondition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: str,
  message: str,
  observedGeneration: z.number().nullish(),
  lastTransitionTime: str,
});
export type CrdCondition = z.infer<typeof CrdCondition>;
const conditions = z.array(CrdCondition).nullish();

// ---------------------------------------------------------------- Gateway API

export const GatewayClass = z.looseObject({
  kind: z.literal("GatewayClass").optional(),
  metadata: Metadata,
  spec: z.looseObject({ controllerName: str }).nullish(),
  status: z.looseObject({ conditions }).nullish(),
});
export type GatewayClass = z.infer<typeof GatewayClass>;

/** SecretObjectReference / BackendObjectReference / ParentReference share these fields. */
export const ObjectReference = z.looseObject({ group: str, kind: str, name: z.string(), namespace: str });
export type ObjectReference = z.infer<typeof ObjectReference>;

export const Listener = z.looseObject({
  name: z.string(),
  hostname: str,
  port: z.number().int(),
  protocol: z.string(),
  tls: z.looseObject({ mode: str, certificateRefs: z.array(ObjectReference).nullish() }).nullish(),
  allowedRoutes: z
    .looseObject({
      namespaces: z.looseObject({ from: str, selector: LabelSelector.nullish() }).nullish(),
      kinds: z.array(z.looseObject({ group: str, kind: z.string() })).nullish(),
    })
    .nullish(),
});
export type Listener = z.infer<typeof Listener>;

export const Gateway = z.looseObject({
  kind: z.literal("Gateway").optional(),
  metadata: Metadata,
  spec: z.looseObject({ gatewayClassName: z.string(), listeners: z.array(Listener).default([]) }),
  status: z
    .looseObject({
      conditions,
      listeners: z.array(z.looseObject({ name: z.string(), attachedRoutes: int, conditions })).nullish(),
    })
    .nullish(),
});
export type Gateway = z.infer<typeof Gateway>;

export const ParentReference = ObjectReference.extend({ sectionName: str, port: int });
export type ParentReference = z.infer<typeof ParentReference>;

export const HTTPBackendRef = ObjectReference.extend({ port: int, weight: int });
export type HTTPBackendRef = z.infer<typeof HTTPBackendRef>;

/** Only the path is read (to name a rule in messages); headers, method and query params are kept as they are. */
export const HTTPRouteMatch = z.looseObject({ path: z.looseObject({ type: str, value: str }).nullish() });

export const HTTPRoute = z.looseObject({
  kind: z.literal("HTTPRoute").optional(),
  metadata: Metadata,
  spec: z
    .looseObject({
      parentRefs: z.array(ParentReference).nullish(),
      hostnames: z.array(z.string()).nullish(),
      rules: z.array(z.looseObject({ matches: z.array(HTTPRouteMatch).nullish(), backendRefs: z.array(HTTPBackendRef).nullish() })).nullish(),
    })
    .default({}),
  status: z
    .looseObject({
      parents: z.array(z.looseObject({ parentRef: ParentReference, controllerName: str, conditions })).nullish(),
    })
    .nullish(),
});
export type HTTPRoute = z.infer<typeof HTTPRoute>;

export const ReferenceGrant = z.looseObject({
  kind: z.literal("ReferenceGrant").optional(),
  metadata: Metadata,
  spec: z.looseObject({
    from: z.array(z.looseObject({ group: z.string(), kind: z.string(), namespace: z.string() })).default([]),
    to: z.array(z.looseObject({ group: z.string(), kind: z.string(), name: str })).default([]),
  }),
});
export type ReferenceGrant = z.infer<typeof ReferenceGrant>;

// ---------------------------------------------------------------------- Istio

const RouteDestination = z.looseObject({
  destination: z.looseObject({ host: z.string(), subset: str, port: z.looseObject({ number: int }).nullish() }),
  weight: int,
});
export type RouteDestination = z.infer<typeof RouteDestination>;
const Route = z.looseObject({ name: str, route: z.array(RouteDestination).nullish() });

export const VirtualService = z.looseObject({
  kind: z.literal("VirtualService").optional(),
  metadata: Metadata,
  spec: z
    .looseObject({
      hosts: z.array(z.string()).nullish(),
      gateways: z.array(z.string()).nullish(),
      http: z.array(Route).nullish(),
      tcp: z.array(Route).nullish(),
      tls: z.array(Route).nullish(),
    })
    .default({}),
});
export type VirtualService = z.infer<typeof VirtualService>;

const LoadBalancerSettings = z.looseObject({
  localityLbSetting: z
    .looseObject({
      enabled: z.boolean().nullish(),
      failover: z.array(z.looseObject({ from: str, to: str })).nullish(),
      failoverPriority: z.array(z.string()).nullish(),
    })
    .nullish(),
});
const PolicyCore = { loadBalancer: LoadBalancerSettings.nullish(), outlierDetection: z.looseObject({}).nullish() };
export const TrafficPolicy = z.looseObject({
  ...PolicyCore,
  portLevelSettings: z.array(z.looseObject({ port: z.looseObject({ number: int }).nullish(), ...PolicyCore })).nullish(),
});
export type TrafficPolicy = z.infer<typeof TrafficPolicy>;

export const DestinationRule = z.looseObject({
  kind: z.literal("DestinationRule").optional(),
  metadata: Metadata,
  spec: z.looseObject({
    host: z.string(),
    trafficPolicy: TrafficPolicy.nullish(),
    subsets: z.array(z.looseObject({ name: z.string(), labels: z.record(z.string(), z.string()).nullish(), trafficPolicy: TrafficPolicy.nullish() })).nullish(),
  }),
});
export type DestinationRule = z.infer<typeof DestinationRule>;

export const PeerAuthentication = z.looseObject({
  kind: z.literal("PeerAuthentication").optional(),
  metadata: Metadata,
  spec: z
    .looseObject({
      selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).nullish() }).nullish(),
      mtls: z.looseObject({ mode: str }).nullish(),
      portLevelMtls: z.record(z.string(), z.looseObject({ mode: str })).nullish(),
    })
    .default({}),
});
export type PeerAuthentication = z.infer<typeof PeerAuthentication>;

/** Parse GenericObjects with one schema; objects that do not fit are returned as warnings, never thrown. */
export function parseObjects<T>(schema: z.ZodType<T>, objects: readonly unknown[], what: string): { items: T[]; warnings: string[] } {
  const items: T[] = [];
  const warnings: string[] = [];
  objects.forEach((o, i) => {
    const r = schema.safeParse(o);
    if (r.success) items.push(r.data);
    else {
      // The first issue and where it is: "✖ Invalid input: expected string, received undefined → at spec.host".
      const firstIssue = z.prettifyError(r.error).split("\n").slice(0, 2).map((l) => l.trim()).join(" ");
      warnings.push(`${what}: item ${i} skipped: ${firstIssue}`);
    }
  });
  return { items, warnings };
}
