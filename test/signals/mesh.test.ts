import { describe, expect, it } from "vitest";
import { meshSignals } from "../../src/model/signals/mesh.js";
import { counts, scan } from "./_scan.js";

describe("Istio sidecar lines of a mesh fault", () => {
  it("a STRICT server refusing plaintext: the server and client addresses (istio/istio#43505, #35398, istio/community#1435)", () => {
    const found = scan(
      [
        '[2023-02-21T19:45:06.559Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 4995 - "-" "-" "-" "-" "-" - - 10.1.2.188:50000 10.1.2.182:50001 - -',
        'istio-proxy [2021-09-28T14:55:12.134Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 172.17.0.8:8081 172.17.0.1:38748 - -',
        '[2024-07-10T08:45:32.045Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 2 - "-" "-" "-" "-" "-" - - 10.10.123.120:27017 10.12.129.6:51244 - -',
      ],
      meshSignals,
    );
    expect(counts(found)).toEqual({ "mesh.plaintext-rejected": 3 });
    const s = found.get("mesh.plaintext-rejected")!;
    expect(s.captures).toEqual({ local: "10.1.2.188:50000", remote: "10.1.2.182" });
    expect(s.values["remote"]).toEqual(["10.1.2.182", "172.17.0.1", "10.12.129.6"]);
  });

  it("a route to a missing cluster, with the authority and the address dialled", () => {
    const found = scan(
      [
        '[2026-10-08T19:43:35.381Z] "GET /reviews/0 HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" "curl/8.11.1" "21c2f382-8f3a-4b1b-972b-19de034bc42d" "scout:9080" "-" - - 10.96.51.189:9080 10.244.0.12:54662 - -',
        '[2021-12-13T20:48:12.759Z] "GET /status/200 HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" "curl/7.80.0-DEV" "2d14c097-84b3-93ab-aaa0-4d5c1f85ba91" "httpbin.localhost" "-" - - 10.244.1.14:80 10.244.1.18:40586 - default',
      ],
      meshSignals,
    );
    expect(found.get("mesh.cluster-not-found")!.values).toEqual({ authority: ["scout:9080", "httpbin.localhost"], local: ["10.96.51.189:9080", "10.244.1.14:80"] });
  });

  it("what clients without a sidecar print when they are reset, and nothing on healthy sidecar lines", () => {
    const found = scan(
      [
        'Get "http://reviews.bookinfo.svc.cluster.local:9080/reviews/0": read tcp 10.244.2.7:45678->10.244.1.5:9080: read: connection reset by peer',
        "[Errno 104] Connection reset by peer",
        "java.net.SocketException: Connection reset",
        "Error: read ECONNRESET",
        '[2022-11-14T11:38:47.354Z] "GET /ping HTTP/1.1" 200 - via_upstream - "-" 0 18 2 1 "-" "curl/7.79.1" "383ae8df-4f8b-92c9-a99a-78c97f7b173b" "kubium-meshd-mesh.kubium:8080" "100.96.140.131:8080" outbound|8080||kubium-meshd-mesh.kubium.svc.cluster.local 100.96.140.130:35670 100.96.140.131:8080 100.96.140.130:40204 - default',
      ],
      meshSignals,
    );
    expect(counts(found)).toEqual({ "client.connection-reset": 3, "client.econnreset": 1 });
  });
});
