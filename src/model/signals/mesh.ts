/**
 * Service-mesh signals: what an Istio sidecar logs when it refuses a
 * plaintext connection or routes to a cluster it does not have, and what the
 * clients of such a server print when their connection is reset.
 *
 * Real shapes (Istio's default TEXT access log, see envoy.ts):
 * - a STRICT inbound listener has only mTLS filter chains, so a plaintext
 *   client matches none: `[2023-02-21T19:45:06.559Z] "- - -" 0 NR
 *   filter_chain_not_found - "-" 0 0 4995 - "-" "-" "-" "-" "-" - -
 *   10.1.2.188:50000 10.1.2.182:50001 - -` (istio/istio#43505), the last
 *   addresses being the server's (downstream local) and the client's
 *   (downstream remote);
 * - a route to a subset no DestinationRule defines has no cluster:
 *   `"GET /reviews/0 HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-"
 *   "curl/8.11.1" "21c2…" "scout:9080" "-" - - 10.96.51.189:9080 10.244.0.12:54662 - -`;
 * - clients without a sidecar see the reset: Go `read: connection reset by
 *   peer`, Python `[Errno 104] Connection reset by peer`, Java
 *   `java.net.SocketException: Connection reset`, Node `ECONNRESET`.
 */
import type { SignalDefinition } from "./scan.js";

const IPV4_PORT = String.raw`\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}`;

export const meshSignals: SignalDefinition[] = [
  {
    id: "mesh.plaintext-rejected",
    description: "An Istio sidecar found no filter chain for an inbound connection (TCP `0 NR filter_chain_not_found`): with STRICT mTLS, a client that sent plaintext",
    contains: "filter_chain_not_found",
    pattern: new RegExp(String.raw`"- - -" 0 NR filter_chain_not_found .{0,400}? (?<local>${IPV4_PORT}) (?<remote>\d{1,3}(?:\.\d{1,3}){3}):\d{1,5} \S{1,253} \S{1,253}\s*$`),
    severity: "error",
  },
  {
    id: "mesh.cluster-not-found",
    description: "Envoy matched a route whose cluster it does not have (`503 NC cluster_not_found`): typically a VirtualService subset no DestinationRule defines",
    contains: "cluster_not_found",
    pattern: new RegExp(String.raw`" 503 NC cluster_not_found .{0,600}?"[^"]{0,4096}" "[^"]{0,4096}" "(?<authority>[^"]{1,253})" "[^"]{0,253}" \S{1,253} \S{1,253} (?<local>${IPV4_PORT})`),
    severity: "error",
  },
  {
    id: "client.connection-reset",
    description: "A client's connection was reset by the server (Go, Python, Java, curl wording)",
    contains: "onnection reset",
    pattern: /[Cc]onnection reset(?: by peer)?/,
    severity: "error",
  },
  {
    id: "client.econnreset",
    description: "A Node.js client's connection was reset by the server (ECONNRESET)",
    contains: "ECONNRESET",
    pattern: /\bECONNRESET\b/,
    severity: "error",
  },
];
