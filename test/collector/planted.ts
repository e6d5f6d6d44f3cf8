/**
 * Values planted in the recorded cluster that must never reach a snapshot, and
 * the proxy values that must. Secret data is taken from the Secret fixtures
 * themselves, so a new secret in a fixture is checked without editing this list.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RECORDED } from "./fake-apiserver.js";

interface SecretList {
  items: { metadata: { namespace: string; name: string }; type: string; data: Record<string, string> }[];
}

export const secretFixtures = (JSON.parse(readFileSync(join(RECORDED, "objects", "secrets.json"), "utf8")) as SecretList).items;

/** Every secret value as the API serves it (base64), and decoded when it is distinctive. */
function secretValues(): string[] {
  const values: string[] = [];
  for (const s of secretFixtures) {
    for (const encoded of Object.values(s.data)) {
      values.push(encoded);
      const decoded = Buffer.from(encoded, "base64").toString("utf8");
      for (const line of decoded.split("\n")) if (/planted/i.test(line)) values.push(line);
    }
  }
  return values;
}

/** Strings that must not appear anywhere in the snapshot's bytes. */
export const MUST_NOT_LEAK = [
  ...secretValues(),
  "PLANTED-env-password-7f3a9c", // env value of shop/web (pod, deployment, last-applied annotation)
  "PLANTED-proxy-cred-51c2", // credentials inside an https_proxy URL
  "PLANTED-arg-secret-90be", // --session-secret=… container argument
  "PLANTED-log-password-3d9e", // password in an ingress-nginx access log line
  "PLANTED-bearer-token-4e8d21", // bearer token in a client-go debug log line
  "PLANTED-app-configmap-should-not-be-collected", // an application config map
  "eyJhbGciOiJSUzI1NiIsImtpZCI6IlBMQU5URUQifQ", // the CNI kubeconfig's service account token (JWT header)
  "kubeconfig-token-not-for-snapshots", // the user's own credentials
];

/** Proxy variables are kept for diagnosis (credentials inside them are not). */
export const PROXY_VALUES_KEPT: Record<string, string> = {
  HTTP_PROXY: "http://proxy.corp.example:3128",
  https_proxy: "http://<redacted>@proxy.corp.example:3128",
  NO_PROXY: "10.0.0.0/8,10.96.0.0/12,.svc,.cluster.local,localhost",
};

/** The snapshot files that contain `needle`, for a readable failure message. */
export function leaksIn(files: Map<string, Buffer>, needle: string): string[] {
  return [...files].filter(([, data]) => data.includes(needle)).map(([name]) => name);
}
