/**
 * Ingress TLS: every `spec.tls[]` entry against the secrets index
 * (resources/secrets.tsv: namespace, name, type; never secret data).
 *
 * Semantics: the Secret lives in the Ingress's namespace and must be of type
 * `kubernetes.io/tls` (tls.crt + tls.key). An entry without `secretName` asks
 * the controller for its default certificate (SNI-only setups), which is not
 * a fault. When the snapshot has no secrets index the result is "unknown",
 * never "missing".
 */
import type { Ingress } from "../../model/k8s.js";
import type { SecretEntry } from "../../model/model.js";

export const TLS_SECRET_TYPE = "kubernetes.io/tls";

export interface TlsCheck {
  /** JSON path of the entry inside the Ingress. */
  path: string;
  hosts: string[];
  secretName?: string;
  status: "ok" | "missing" | "wrong-type" | "default-certificate" | "unknown";
  /** The Secret's type when it exists. */
  secretType?: string;
}

export function checkIngressTls(ing: Ingress, secrets: readonly SecretEntry[] | undefined): TlsCheck[] {
  const namespace = ing.metadata.namespace ?? "default";
  const index = secrets ? new Map(secrets.map((s) => [`${s.namespace}/${s.name}`, s])) : undefined;
  return (ing.spec.tls ?? []).map((t, i) => {
    const check: TlsCheck = { path: `spec.tls[${i}]`, hosts: t.hosts ?? [], status: "unknown" };
    if (!t.secretName) return { ...check, status: "default-certificate" };
    check.secretName = t.secretName;
    if (!index) return check;
    const secret = index.get(`${namespace}/${t.secretName}`);
    if (!secret) return { ...check, status: "missing" };
    return { ...check, secretType: secret.type, status: secret.type === TLS_SECRET_TYPE ? "ok" : "wrong-type" };
  });
}
