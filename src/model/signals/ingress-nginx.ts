/**
 * ingress-nginx controller signals. One container log mixes three sources:
 * - the Go controller (klog: `W0917 11:49:43.027561  7 controller.go:1135] …`),
 *   which says which Service or Secret an Ingress names and cannot be served;
 * - the nginx error log (`2021/03/02 05:32:30 [error] 37#37: *271101 …`),
 *   which says which upstream address refused, timed out or was absent;
 * - the access log, whose default `upstreaminfo` format prints the upstream
 *   name `[<namespace>-<service>-<port>]` after the request time
 *   (`[$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr …`;
 *   releases before 0.21 had no alternative-upstream field).
 * Real shapes: shared/realdata/logs/ingress-nginx_*.log and the lines cited in
 * test/signals/ingress-nginx.test.ts. Quantifiers are bounded so a hostile
 * line cannot make a pattern backtrack badly; no `g` flag (scan.ts calls exec).
 */
import type { SignalDefinition } from "./scan.js";

// Kubernetes object names: a namespace is a DNS-1123 label, a Service a
// DNS-1035 label, a Secret a DNS-1123 subdomain.
const NS = String.raw`(?<namespace>[a-z0-9][-a-z0-9]{0,62})`;
const SVC = String.raw`(?<service>[a-z0-9][-a-z0-9]{0,62})`;
const SECRET = String.raw`(?<secret>[a-z0-9][-a-z0-9]{0,62}\/[a-z0-9][-a-z0-9.]{0,252})`;

/** `…, client: 1.2.3.4, server: host, request: "GET / HTTP/1.1", upstream: "http://10.244.1.5:8080/", host: "h"` (request/host absent for TCP streams). */
const NGINX_CONTEXT = String.raw`, client: (?<client>[^,\s]{1,64}), server: (?<server>[^,\s]{1,253})(?:, request: "[^"]{0,4096}")?, upstream: "(?:[a-z]{1,8}:\/\/)?(?<upstream>[^"\/\s]{1,253})[^"]{0,4096}"(?:, host: "(?<host>[^"]{1,253})")?`;

/** An access-log line of the upstreaminfo format with the given status; captures the upstream name and address. */
function accessLogStatus(status: string): RegExp {
  return new RegExp(
    String.raw`\] "(?<request>[^"]{0,4096})" (?<status>${status}) \d{1,12} "[^"]{0,4096}" "[^"]{0,4096}" \d{1,12} \d{1,9}(?:\.\d{1,6})? \[(?<upstream>[^\]\s]{0,253})\](?: \[[^\]\s]{0,253}\])? (?<upstreamAddr>[^\s,]{1,64})`,
  );
}

/** RBAC refusals any controller's client-go reflector logs; shared with the other ingress controllers. */
export function rbacForbiddenSignal(component: string): SignalDefinition {
  return {
    id: `${component}.rbac-forbidden`,
    description: "The controller's ServiceAccount may not list or watch a resource it needs: it serves stale or no configuration",
    contains: " is forbidden: User ",
    pattern: /is forbidden: User "system:serviceaccount:(?<saNamespace>[^:"\s]{1,63}):(?<serviceAccount>[^"\s]{1,253})" cannot (?<verb>[a-z]{1,16}) resource "(?<resource>[^"\s]{1,253})"/,
    severity: "error",
  };
}

export const ingressNginxSignals: SignalDefinition[] = [
  {
    id: "ingress-nginx.service-no-active-endpoints",
    description: "A Service an Ingress routes to has no ready endpoint: nginx answers 503 for it",
    contains: " does not have any active ",
    // Since 0.2x: `Service "ns/name" does not have any active Endpoint.` (also `… Endpoint for TCP port 9000` for
    // stream services); before: `service ns/name does not have any active endpoints`.
    pattern: new RegExp(String.raw`[Ss]ervice "?${NS}\/${SVC}"? does not have any active [Ee]ndpoint`),
    severity: "warning",
  },
  {
    id: "ingress-nginx.service-not-found",
    description: "A Service an Ingress (or the TCP/UDP services ConfigMap, or --default-backend-service) names does not exist",
    contains: "no object matching key",
    pattern: new RegExp(String.raw`(?<context>Error obtaining Endpoints for Service|Error obtaining Service|Error getting Service|Error getting default backend) "${NS}\/${SVC}": no object matching key`),
    severity: "error",
  },
  {
    id: "ingress-nginx.secret-not-found",
    description: "A TLS Secret an Ingress names does not exist: the controller serves its default (fake) certificate for that host",
    contains: "certificate",
    pattern: new RegExp(String.raw`(?:Error obtaining X\.509 certificate: no object matching key "|Error getting SSL certificate ")${SECRET}"`),
    severity: "error",
  },
  {
    id: "ingress-nginx.ssl-certificate-invalid",
    description: "A TLS Secret exists but holds no usable certificate/key pair (bad PEM, key not matching the certificate)",
    contains: "Error obtaining X.509 certificate: ",
    pattern: /Error obtaining X\.509 certificate: (?!no object matching key)(?<error>[^\n]{1,300})/,
    severity: "error",
  },
  {
    id: "ingress-nginx.ssl-certificate-host-mismatch",
    description: "An Ingress's TLS certificate does not cover the host it is used for: clients get a name-mismatch error",
    contains: "validating SSL certificate",
    // `Unexpected error validating SSL certificate "ns/name" for server "host": x509: …` (current) and
    // `unexpected error validating SSL certificate ns/name for host h. Reason: x509: …` (0.9 – 0.2x).
    pattern: /[Uu]nexpected error validating SSL certificate "?(?<secret>[^"\s]{1,253}?)"? for (?:server|host) "?(?<host>[^"\s]{1,253}?)"?[:.]? (?:Reason: )?x509: (?<reason>[^\n]{1,300})/,
    severity: "warning",
  },
  rbacForbiddenSignal("ingress-nginx"),
  {
    id: "ingress-nginx.reload-failed",
    description: "nginx refused the configuration the controller generated (the reason follows on the next lines, `nginx: [emerg] …`): changes since the last good reload are not served",
    contains: "Unexpected failure reloading the backend",
    // `E0711 12:32:02.643467       7 controller.go:145] Unexpected failure reloading the backend:` (kubernetes/ingress-nginx#4311, #10204)
    pattern: /Unexpected failure reloading the backend/,
    severity: "error",
  },
  {
    id: "ingress-nginx.upstream-connection-refused",
    description: "nginx reached the backend pod's address but nothing listens on the port (wrong targetPort, app not started): 502",
    contains: "connect() failed (111: ",
    pattern: new RegExp(String.raw`connect\(\) failed \(111: [^)]{1,40}\) while connecting to upstream${NGINX_CONTEXT}`),
    severity: "error",
  },
  {
    id: "ingress-nginx.upstream-timeout",
    description: "The backend did not accept the connection (connecting: packets dropped by policy/CNI) or answer (reading: slow app) in time: 504",
    contains: "upstream timed out (110: ",
    // glibc says "Connection timed out", musl (the controller image) "Operation timed out".
    pattern: new RegExp(String.raw`upstream timed out \(110: (?:Connection|Operation) timed out\) while (?<phase>connecting to|reading response header from|reading upstream|sending request to) upstream${NGINX_CONTEXT}`),
    severity: "error",
  },
  {
    id: "ingress-nginx.no-live-upstreams",
    description: "Every upstream server of a backend is marked failed: nginx does not even try and answers 502",
    contains: "no live upstreams",
    pattern: new RegExp(String.raw`no live upstreams while connecting to upstream${NGINX_CONTEXT}`),
    severity: "error",
  },
  {
    id: "ingress-nginx.access-502",
    description: "Requests answered 502 Bad Gateway (backend refused or reset the connection), with the upstream named",
    contains: '" 502 ',
    pattern: accessLogStatus("502"),
    severity: "error",
  },
  {
    id: "ingress-nginx.access-503",
    description: "Requests answered 503 Service Unavailable (upstream without endpoints: address `-`), with the upstream named",
    contains: '" 503 ',
    pattern: accessLogStatus("503"),
    severity: "error",
  },
  {
    id: "ingress-nginx.access-504",
    description: "Requests answered 504 Gateway Timeout (backend unreachable or too slow), with the upstream named",
    contains: '" 504 ',
    pattern: accessLogStatus("504"),
    severity: "error",
  },
];
