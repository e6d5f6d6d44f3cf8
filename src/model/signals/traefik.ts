/**
 * Traefik (kubernetes and kubernetescrd providers) signals. Traefik v2 logs
 * logfmt (`time="…" level=error msg="Skipping service: no endpoints found"
 * ingress=x namespace=y serviceName=z …`, fields in random order), v3 logs
 * zerolog console lines (`2024-08-10T02:10:44Z ERR Skipping service: no
 * endpoints found ingress=x namespace=y …`), so the Kubernetes names are read
 * from `namespace=` / `serviceName=` wherever they appear on the line.
 * Real shapes: the lines cited in test/signals/traefik.test.ts.
 */
import { rbacForbiddenSignal } from "./ingress-nginx.js";
import type { SignalDefinition } from "./scan.js";

/** Optional logfmt fields anywhere after the message (lookaheads, so field order does not matter). */
const FIELDS = String.raw`(?=(?:.{0,4096}?\bnamespace=(?<namespace>[a-z0-9][-a-z0-9]{0,62}))?)(?=(?:.{0,4096}?\bserviceName=(?<service>[a-z0-9][-a-z0-9.]{0,252}))?)`;

export const traefikSignals: SignalDefinition[] = [
  {
    id: "traefik.no-endpoints",
    description: "A Service an Ingress/IngressRoute routes to has no ready endpoint: Traefik skips it and answers 404/503",
    contains: "Skipping service: no endpoints found",
    pattern: new RegExp(String.raw`Skipping service: no endpoints found${FIELDS}`),
    severity: "error",
  },
  {
    id: "traefik.service-not-found",
    description: "A Service an Ingress/IngressRoute names does not exist: Traefik drops the route",
    contains: "not found",
    // v2 `Cannot create service: service not found` / `kubernetes service not found: ns/name`,
    // v3 `Cannot create service error="service not found"` / `… getting service: service \"name\" not found"`.
    pattern: new RegExp(
      String.raw`(?:Cannot create service(?:: |\s+error=")service not found|kubernetes service not found: (?<ref>[a-z0-9][-a-z0-9]{0,62}\/[a-z0-9][-a-z0-9]{0,62})|getting service: service \\?"(?<name>[a-z0-9][-a-z0-9]{0,62})\\?" not found)${FIELDS}`,
    ),
    severity: "error",
  },
  {
    id: "traefik.router-service-missing",
    description: "A router references a Traefik service that does not exist (its backend failed to build): the route is disabled",
    contains: "does not exist",
    pattern: /the service \\?"(?<traefikService>[^"\\\s@]{1,253})(?:@(?<provider>[a-z0-9-]{1,32}))?\\?" does not exist/,
    severity: "error",
  },
  rbacForbiddenSignal("traefik"),
];
