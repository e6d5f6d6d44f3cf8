import { describe, expect, it } from "vitest";
import { envoySignals } from "../../src/model/signals/envoy.js";
import { counts, scan } from "./_scan.js";

describe("Envoy / Istio / Contour access-log response flags", () => {
  it("UH in Istio's default format, from the ingress gateway and a sidecar, capturing the upstream cluster", () => {
    const found = scan(
      [
        // ingress gateway with productpage scaled to 0 (index id 99679294)
        '"GET /productpage HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.42.0.1" "curl/8.7.1" "c4c58af1-2066-4c45-affb-d1345d32fc66" "localhost" "-" outbound|9080||productpage.default.svc.cluster.local - 10.42.0.7:8080 10.42.0.1:60667 - -',
        // index id 27388060516
        '[2022-01-20T22:38:26.354Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "192.168.0.3" "curl/7.68.0" "069c37c4-bead-49ae-8ef3-fe9fdca1602b" "app.test.com" "-" outbound|80||my-app.default.svc.cluster.local - 10.244.0.233:80 192.168.0.3:43900 - my-app',
        // TCP through the egress gateway, Cloud Logging prefix kept (istio/istio#50075)
        'INFO 2024-03-25T08:56:41.897522475Z [resource.labels.containerName: istio-proxy] [2024-03-25T08:56:41.328Z] "- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" outbound|443||xxx.segment.xxx - xxxxx:8443 xxxxx:38532 xxxx.segment.xxx -',
      ],
      envoySignals,
    );
    expect(counts(found)).toEqual({ "envoy.no-healthy-upstream": 3 });
    const s = found.get("envoy.no-healthy-upstream")!;
    expect(s.captures).toEqual({ status: "503", flags: "UH", cluster: "outbound|9080||productpage.default.svc.cluster.local" });
    expect(s.values["cluster"]).toEqual(["outbound|9080||productpage.default.svc.cluster.local", "outbound|80||my-app.default.svc.cluster.local", "outbound|443||xxx.segment.xxx"]);
    expect(s.values["status"]).toEqual(["503", "0"]);
  });

  it("UF,URX in text and UF in Envoy's JSON access log (index id 14763112596, envoyproxy/envoy#20311)", () => {
    const found = scan(
      [
        '[2022-02-09T13:34:21.473Z] "GET / HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{connection_failure} - "-" 0 91 24255 - "-" "curl/7.68.0" "5ab981ed-c95f-4730-8732-2fe6fd7f6208" "customer.default.svc.cluster.local:8080" "172.16.0.15:8080" outbound|8080||customer.default.svc.cluster.local - 172.18.2.58:8080 192.168.205.6:34832 - default',
        '{"duration":475,"response_flags":"UF","bytes_received":0,"remote_addr":"172.19.0.9","method":"GET","path":"/service03","user_agent":"curl/7.68.0","upstream":{"duration":null,"service":"service03","host":"172.19.0.2:8000"},"protocol":"HTTP/1.1","id":"bdc55196-1c65-4054-bc5c-f7450a781b26","response_code_details":"upstream_reset_before_response_started{connection_failure}","bytes_sent":91,"response_code":503,"source":"envoy","listener":"service","start_time":"2022-03-11T09:58:37.960+0000"}',
      ],
      envoySignals,
    );
    expect(counts(found)).toEqual({ "envoy.upstream-connection-failure": 2 });
    expect(found.get("envoy.upstream-connection-failure")!.captures).toMatchObject({ flags: "UF,URX", cluster: "outbound|8080||customer.default.svc.cluster.local" });
  });

  it("NR for HTTP (with and without response code details) and for TCP without filter chain (istio/istio#35122, #24042, envoyproxy/envoy#15698)", () => {
    const found = scan(
      [
        '[2021-09-10T02:31:12.093Z] "GET /metrics HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "10.0.54.168" "Prometheus/2.21.0" "74215fc5-3c7c-9601-967a-d0eb982bf6fe" "10.0.54.180:8080" "-" - - 10.0.54.180:8080 10.0.54.168:59378 - -',
        '[2020-05-23T08:07:48.824Z] "GET /favicon.ico HTTP/1.1" 404 NR "-" "-" 0 0 0 - "10.10.210.84" "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:76.0) Gecko/20100101 Firefox/76.0" "259635c4-58be-9126-ba11-d353a26b043f" "ab8dbd410f5324e87b1f38addfdc1da2-730055530.eu-west-1.elb.amazonaws.com" "-" - - 10.10.202.119:8080 10.10.210.84:39368 - -',
        '[2021-03-25T23:59:51.372Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 100.97.92.14:8443 172.20.49.60:57605 - -',
      ],
      envoySignals,
    );
    expect(counts(found)).toEqual({ "envoy.no-route": 3 });
    expect(found.get("envoy.no-route")!.values["status"]).toEqual(["404", "0"]);
  });

  it("does not mistake other flags, or healthy and passthrough lines, for UH/UF/NR (istio/istio#45802, #29109, index id 56881037368)", () => {
    const lines = [
      '"GET /v1/status HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} - "-" 0 95 0 - "10.90.16.220" "Apache-HttpClient/4.5.1 (Java/1.8.0_372)" "3a7cbcc1-af72-47fb-bbac-a7672951f50f" "health.abc.com" "10.80.47.192:8181" outbound|80||health-api.production.svc.cluster.local 10.80.45.233:37132 10.80.45.233:80 10.80.46.220:59375 - -',
      '2020-11-22T20:04:54.223002528Z [2020-11-22T20:04:32.765Z] "GET /products HTTP/1.1" 500 - "-" "-" 0 122 11939 11933 "-" "PostmanRuntime/7.26.8" "66fa4542-266e-9364-8447-e7d63047b344" "172.17.0.2:30164" "127.0.0.1:8080" inbound|8080|http-8080|scrappers-service.default.svc.cluster.local 127.0.0.1:52034 172.18.0.10:8080 172.18.0.1:37035 - default',
      '2020-11-22T20:04:54.223086877Z [2020-11-22T20:04:33.157Z] "- - -" 0 - "-" "-" 4841 9845236 16230 - "-" "-" "-" "-" "104.20.28.24:443" PassthroughCluster 172.18.0.10:49944 104.20.28.24:443 172.18.0.10:49942 - -',
      '[2025-10-19T20:28:26.282Z] "GET /flaky HTTP/1.1" 500 URX via_upstream - "-" 0 20 118 117 "10.244.0.1" "curl/8.7.1" "f4f0ecba-03f3-95cc-8e89-c3e54a4c10e1" "localhost" "10.244.0.133:8080" outbound|80|v1|booking-service.default.svc.cluster.local 10.244.0.9:47780 10.244.0.9:8080 10.244.0.1:22803 - -',
      "2020-11-22T19:32:17.857583542Z 2020-11-22T19:32:17.857430Z\tinfo\tFLAG: --concurrency=\"2\"",
    ];
    expect(counts(scan(lines, envoySignals))).toEqual({});
  });
});

describe("what clients of an Envoy print", () => {
  it("the reset body, with its reason and TLS failure (istio/istio#35334, #49909, index id 15111563920)", () => {
    const found = scan(
      [
        "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
        '{"data":"upstream connect error or disconnect/reset before headers. reset reason: connection termination}',
        "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268436501:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED%",
      ],
      envoySignals,
    );
    const s = found.get("envoy.upstream-reset")!;
    expect(s.count).toBe(3);
    expect(s.values["reason"]).toEqual(["connection failure", "connection termination"]);
    expect(s.values["transport"]).toEqual(["TLS error: 268436501:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED%"]);
  });

  it("`no healthy upstream` (index id 27388060516)", () => {
    expect(counts(scan(["no healthy upstream"], envoySignals))).toEqual({ "envoy.no-healthy-upstream-response": 1 });
  });
});
