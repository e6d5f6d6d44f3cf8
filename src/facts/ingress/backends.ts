/**
 * Ingress backends (networking.k8s.io/v1): every place an Ingress sends
 * traffic, and whether that place exists.
 *
 * Semantics kept from Kubernetes:
 * - an Ingress backend is either a Service (`service.name` + `service.port`
 *   by number or by name) or a typed object reference (`resource`), never both;
 * - a Service backend always lives in the Ingress's own namespace (the API
 *   has no namespace field for it);
 * - `port.number` must equal a Service `spec.ports[].port` (not targetPort),
 *   `port.name` must equal a Service `spec.ports[].name`;
 * - an ExternalName Service may have no ports at all: its port cannot be
 *   checked, which is not a fault.
 */
import type { Ingress, Service, ServicePort } from "../../model/k8s.js";
import type { ObjectRef } from "../../types/evidence.js";

export interface ServiceBackendPort {
  number?: number;
  name?: string;
}

interface BackendBase {
  /** JSON path of the backend inside the Ingress object, for evidence. */
  path: string;
  /** The rule's host ("" for the default backend or a rule without host). */
  host: string;
  /** The HTTP path; undefined for the default backend. */
  httpPath?: string;
  pathType?: string;
}

export type IngressBackend =
  | (BackendBase & { kind: "service"; service: string; port: ServiceBackendPort })
  | (BackendBase & { kind: "resource"; resource: { apiGroup?: string; kind: string; name: string } })
  | (BackendBase & { kind: "invalid"; reason: string });

type RawBackend = NonNullable<NonNullable<Ingress["spec"]["defaultBackend"]>>;

function toBackend(raw: RawBackend, base: BackendBase): IngressBackend {
  if (raw.service) {
    const port: ServiceBackendPort = {};
    if (raw.service.port?.number != null) port.number = raw.service.port.number;
    if (raw.service.port?.name) port.name = raw.service.port.name;
    return { ...base, kind: "service", service: raw.service.name, port };
  }
  if (raw.resource) {
    const resource: { apiGroup?: string; kind: string; name: string } = { kind: raw.resource.kind, name: raw.resource.name };
    if (raw.resource.apiGroup) resource.apiGroup = raw.resource.apiGroup;
    return { ...base, kind: "resource", resource };
  }
  return { ...base, kind: "invalid", reason: "backend names neither a service nor a resource" };
}

/** Every backend of an Ingress: the default backend first, then each rule path in order. */
export function enumerateBackends(ing: Ingress): IngressBackend[] {
  const out: IngressBackend[] = [];
  if (ing.spec.defaultBackend) out.push(toBackend(ing.spec.defaultBackend, { path: "spec.defaultBackend", host: "" }));
  (ing.spec.rules ?? []).forEach((rule, r) => {
    (rule.http?.paths ?? []).forEach((p, i) => {
      const base: BackendBase = { path: `spec.rules[${r}].http.paths[${i}].backend`, host: rule.host ?? "", httpPath: p.path ?? "/" };
      if (p.pathType) base.pathType = p.pathType;
      out.push(toBackend(p.backend, base));
    });
  });
  return out;
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function indexServices(services: readonly Service[]): Map<string, Service> {
  return new Map(services.map((s) => [serviceKey(s.metadata.namespace ?? "default", s.metadata.name), s]));
}

/** `http:80/TCP`, or `80/TCP` for an unnamed port: how kubectl lists Service ports. */
export function formatServicePort(p: ServicePort): string {
  return `${p.name ? `${p.name}:` : ""}${p.port}/${p.protocol ?? "TCP"}`;
}

export type BackendProblem = "service-missing" | "port-not-exposed" | "port-unspecified";

export interface ResolvedBackend {
  backend: IngressBackend & { kind: "service" };
  /** The Service when it exists in the Ingress's namespace. */
  service?: ObjectRef;
  /** The Service port the backend selects. */
  servicePort?: ServicePort;
  /** What the Service exposes, for the message when the port is wrong. */
  exposedPorts: string[];
  problem?: BackendProblem;
  note?: string;
}

function findPort(svc: Service, port: ServiceBackendPort): ServicePort | undefined {
  const ports = svc.spec.ports ?? [];
  if (port.number != null) return ports.find((p) => p.port === port.number);
  return ports.find((p) => p.name === port.name);
}

/** Resolve one Service backend against the Services of the Ingress's namespace. */
export function resolveServiceBackend(backend: IngressBackend & { kind: "service" }, namespace: string, services: ReadonlyMap<string, Service>): ResolvedBackend {
  const svc = services.get(serviceKey(namespace, backend.service));
  if (!svc) return { backend, exposedPorts: [], problem: "service-missing" };
  const service: ObjectRef = { kind: "Service", namespace, name: backend.service };
  const exposedPorts = (svc.spec.ports ?? []).map(formatServicePort);
  if (backend.port.number == null && !backend.port.name) return { backend, service, exposedPorts, problem: "port-unspecified" };
  if (svc.spec.type === "ExternalName" && exposedPorts.length === 0) {
    return { backend, service, exposedPorts, note: "ExternalName Service without ports: the port is passed through unchecked" };
  }
  const servicePort = findPort(svc, backend.port);
  if (!servicePort) return { backend, service, exposedPorts, problem: "port-not-exposed" };
  return { backend, service, servicePort, exposedPorts };
}

/** Resolve every Service backend of an Ingress (resource and invalid backends are not Services and are skipped). */
export function resolveBackends(ing: Ingress, services: ReadonlyMap<string, Service>): ResolvedBackend[] {
  const namespace = ing.metadata.namespace ?? "default";
  return enumerateBackends(ing)
    .filter((b): b is IngressBackend & { kind: "service" } => b.kind === "service")
    .map((b) => resolveServiceBackend(b, namespace, services));
}

/**
 * ingress-nginx names each upstream `<namespace>-<service>-<port>` (port number
 * or name; see upstreamName in internal/ingress/controller/util.go) and prints
 * it in brackets in its access log. Namespaces and Service names contain dashes,
 * so the name is only decodable against the Services that exist: a candidate
 * whose remainder is one of its ports wins, the longest such prefix first; else
 * the longest prefix followed by a port number (the Ingress may name a port the
 * Service does not expose, and the upstream still carries that number).
 */
export function serviceForNginxUpstream(
  upstream: string,
  services: ReadonlyMap<string, Service>,
): { service: ObjectRef; port: string; portExposed: boolean } | undefined {
  let best: { service: ObjectRef; port: string; portExposed: boolean; prefixLength: number } | undefined;
  for (const svc of services.values()) {
    const ns = svc.metadata.namespace ?? "default";
    const prefix = `${ns}-${svc.metadata.name}-`;
    if (!upstream.startsWith(prefix) || upstream.length === prefix.length) continue;
    const port = upstream.slice(prefix.length);
    const portExposed = (svc.spec.ports ?? []).some((p) => String(p.port) === port || p.name === port);
    if (!portExposed && !/^\d{1,5}$/.test(port)) continue;
    const better = !best || (portExposed && !best.portExposed) || (portExposed === best.portExposed && prefix.length > best.prefixLength);
    if (better) best = { service: { kind: "Service", namespace: ns, name: svc.metadata.name }, port, portExposed, prefixLength: prefix.length };
  }
  if (!best) return undefined;
  return { service: best.service, port: best.port, portExposed: best.portExposed };
}
