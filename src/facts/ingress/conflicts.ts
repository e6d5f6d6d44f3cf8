/**
 * Host/path claims of Ingresses, and the claims two Ingresses of the same
 * class make on the same traffic.
 *
 * Path semantics (networking.k8s.io/v1 HTTPIngressPath):
 * - Exact: the request path equals the path, case-sensitively (`/foo` does not
 *   match `/foo/`);
 * - Prefix: element-wise on `/`-separated elements, trailing slash ignored:
 *   `/foo` matches `/foo` and `/foo/bar`, not `/foobar`; so `/foo` and `/foo/`
 *   claim the same requests;
 * - ImplementationSpecific: up to the controller. Treated here as Prefix, with
 *   a note (ingress-nginx matches it as a plain string prefix, where `/foo`
 *   also matches `/foobar`).
 * When several paths match, the longest wins and Exact beats Prefix, so an
 * Exact and a Prefix claim on the same path do not conflict. Two Ingresses of
 * the same class claiming the same host, path and (normalized) type do: the
 * controller silently serves one of them (ingress-nginx keeps the first
 * Ingress it sees; its admission webhook rejects the second with "host ... and
 * path ... is already defined").
 */
import type { Ingress } from "../../model/k8s.js";
import type { ObjectRef } from "../../types/evidence.js";
import { enumerateBackends, type IngressBackend } from "./backends.js";

export interface PathClaim {
  ingress: ObjectRef;
  /** The class the Ingress resolved to ("" when it has none). */
  className: string;
  /** Lower-cased host; "" matches every host. */
  host: string;
  /** The path as written. */
  path: string;
  /** The claim's key path: Prefix paths without their trailing slash. */
  normalizedPath: string;
  pathType: "Exact" | "Prefix";
  /** The pathType as written (ImplementationSpecific, or absent in pre-v1 manifests). */
  declaredPathType: string;
  backend: IngressBackend;
}

/** Prefix paths ignore a trailing slash: `/foo/` and `/foo` are one claim; `/` stays `/`. */
export function normalizePrefixPath(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

export function pathClaims(ing: Ingress, className: string): PathClaim[] {
  const ref: ObjectRef = { kind: "Ingress", namespace: ing.metadata.namespace ?? "default", name: ing.metadata.name };
  const claims: PathClaim[] = [];
  for (const b of enumerateBackends(ing)) {
    if (b.httpPath === undefined) continue; // the default backend claims no host/path
    const declaredPathType = b.pathType ?? "ImplementationSpecific";
    const pathType = declaredPathType === "Exact" ? "Exact" : "Prefix";
    const normalizedPath = pathType === "Exact" ? b.httpPath : normalizePrefixPath(b.httpPath);
    claims.push({ ingress: ref, className, host: b.host.toLowerCase(), path: b.httpPath, normalizedPath, pathType, declaredPathType, backend: b });
  }
  return claims;
}

export interface RuleConflict {
  className: string;
  host: string;
  path: string;
  pathType: "Exact" | "Prefix";
  /** Claims from at least two different Ingresses, in input order. */
  claims: PathClaim[];
  /** Every claim sends the traffic to the same Service and port (a duplicate, not a fight). */
  sameBackend: boolean;
  notes: string[];
}

function backendKey(c: PathClaim): string {
  const b = c.backend;
  if (b.kind === "service") return `svc:${c.ingress.namespace}/${b.service}:${b.port.number ?? b.port.name ?? ""}`;
  if (b.kind === "resource") return `res:${c.ingress.namespace}/${b.resource.kind}/${b.resource.name}`;
  return `invalid:${b.path}`;
}

function refId(r: ObjectRef): string {
  return `${r.namespace}/${r.name}`;
}

/** Identical host + path + type claimed by different Ingresses of the same class. */
export function findRuleConflicts(claims: readonly PathClaim[]): RuleConflict[] {
  const groups = new Map<string, PathClaim[]>();
  for (const c of claims) {
    const key = `${c.className}\u0000${c.host}\u0000${c.pathType}\u0000${c.normalizedPath}`;
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  const conflicts: RuleConflict[] = [];
  for (const group of groups.values()) {
    if (new Set(group.map((c) => refId(c.ingress))).size < 2) continue;
    const first = group[0]!;
    const notes: string[] = [];
    if (group.some((c) => c.declaredPathType !== c.pathType)) {
      notes.push("ImplementationSpecific treated as Prefix; the controller may match it differently (ingress-nginx: plain string prefix)");
    }
    conflicts.push({
      className: first.className,
      host: first.host,
      path: first.normalizedPath,
      pathType: first.pathType,
      claims: group,
      sameBackend: new Set(group.map(backendKey)).size === 1,
      notes,
    });
  }
  return conflicts;
}
