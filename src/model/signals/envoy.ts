/**
 * Envoy signals, for every Envoy-based data plane: Istio sidecars and
 * gateways (container istio-proxy), Contour's envoy, Envoy Gateway.
 *
 * Access log lines carry the verdict in the response flags that follow the
 * status code, in the default TEXT formats of Envoy
 * (`[%START_TIME%] "%REQ(:METHOD)% … %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% …`)
 * and Istio (which adds %RESPONSE_CODE_DETAILS%, … "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%),
 * TCP proxy lines having `"- - -" 0` instead of method and status; the JSON
 * encoding carries `"response_flags":"UH"`. Flags: UH no healthy upstream
 * (the cluster has no ready endpoint), UF upstream connection failure, NR no
 * route (no VirtualService/route or filter chain matches). Clients of an
 * Envoy print the response bodies: `no healthy upstream`,
 * `upstream connect error or disconnect/reset before headers. reset reason: …`.
 * Real shapes: the lines cited in test/signals/envoy.test.ts.
 */
import type { SignalDefinition } from "./scan.js";

const FLAG = "[A-Z]{1,5}";
/** A flag list holds a handful of flags; bounding the repetition keeps a hostile `UF,UF,UF,…` line linear. */
const MAX_FLAGS = "{0,15}";

/**
 * An access-log line whose response flags include `flag`. The TEXT form
 * captures status, flags and, in Istio's format, the upstream cluster; the
 * JSON form (fields in any order) is only recognised.
 */
function accessFlag(flag: string): RegExp {
  const flags = String.raw`(?<flags>(?:${FLAG},)${MAX_FLAGS}${flag}(?:,${FLAG})${MAX_FLAGS})`;
  const text = String.raw`"(?:[A-Z]{3,10} [^"\s]{1,4096} [A-Z0-9./]{1,12}|- - -)" (?<status>\d{1,3}) ${flags} (?:.{0,8192}? (?<cluster>(?:outbound|inbound)\|\d{0,5}\|[^|\s]{0,253}\|[^\s]{0,253}))?`;
  const json = String.raw`"response_flags":\s?"(?:${FLAG},)${MAX_FLAGS}${flag}(?:,${FLAG})${MAX_FLAGS}"`;
  return new RegExp(`${text}|${json}`);
}

export const envoySignals: SignalDefinition[] = [
  {
    id: "envoy.no-healthy-upstream",
    description: "Envoy answered without trying a backend (flag UH): the destination has no healthy endpoint (no ready pod, subset selecting no pod, all ejected)",
    contains: "UH",
    pattern: accessFlag("UH"),
    severity: "error",
  },
  {
    id: "envoy.upstream-connection-failure",
    description: "Envoy could not connect to the backend pod (flag UF): refused, unreachable, or an mTLS/TLS handshake failure",
    contains: "UF",
    pattern: accessFlag("UF"),
    severity: "error",
  },
  {
    id: "envoy.no-route",
    description: "No route or listener filter chain matched the request (flag NR): missing or mismatched VirtualService/HTTPRoute host, or a port without listener",
    contains: "NR",
    pattern: accessFlag("NR"),
    severity: "warning",
  },
  {
    id: "envoy.no-healthy-upstream-response",
    description: "A client got Envoy's `no healthy upstream` response body",
    contains: "no healthy upstream",
    pattern: /no healthy upstream/,
    severity: "error",
  },
  {
    id: "envoy.upstream-reset",
    description: "A client got Envoy's `upstream connect error or disconnect/reset before headers` body; the reset reason says why (connection failure: the backend port refused or TLS failed)",
    contains: "upstream connect error or disconnect/reset before headers",
    pattern: /upstream connect error or disconnect\/reset before headers\. (?:retried and the latest )?reset reason: (?<reason>[a-z]{1,20}(?: [a-z]{1,20}){0,4})(?:, transport failure reason: (?<transport>[^\n"]{1,200}))?/,
    severity: "error",
  },
];
