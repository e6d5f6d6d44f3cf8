import { describe, expect, it } from "vitest";
import { ingressNginxSignals } from "../../src/model/signals/ingress-nginx.js";
import { counts, realLines, scan } from "./_scan.js";

describe("ingress-nginx signals on real controller logs (shared/realdata)", () => {
  it("TCP stream upstreams refusing connections (kubernetes/ingress-nginx#6919)", () => {
    const found = scan(realLines("logs/ingress-nginx_connect_refused_upstream_ingress-nginx-6919.log"), ingressNginxSignals);
    expect(counts(found)).toEqual({ "ingress-nginx.upstream-connection-refused": 5 });
    const s = found.get("ingress-nginx.upstream-connection-refused")!;
    expect(s.captures).toEqual({ client: "172.26.148.242", server: "0.0.0.0:9009", upstream: "172.26.144.225:9009", host: undefined });
    expect(s.values["upstream"]).toEqual(["172.26.144.225:9009", "172.26.144.225:9004", "172.26.144.225:9007", "172.26.144.225:9003", "172.26.144.225:9006"]);
    expect(s.firstTime).toBe("2021/03/02 05:32:30");
  });

  it("a missing backend Service and a frontend Service without endpoints (index id 68330860613)", () => {
    const found = scan(realLines("logs/ingress-nginx_missing_service_and_no_active_Endpoint_idx68330860613.log"), ingressNginxSignals);
    expect(counts(found)).toEqual({ "ingress-nginx.service-not-found": 1, "ingress-nginx.service-no-active-endpoints": 1 });
    expect(found.get("ingress-nginx.service-not-found")!.captures).toEqual({ context: "Error obtaining Endpoints for Service", namespace: "default", service: "yatri-backend-service" });
    expect(found.get("ingress-nginx.service-no-active-endpoints")!.captures).toEqual({ namespace: "default", service: "yatri-frontend-service" });
    expect(found.get("ingress-nginx.service-no-active-endpoints")!.samples[0]).toMatchObject({ line: 3 });
  });

  it("three Services without endpoints and a certificate not valid for its host (index id 27726612395)", () => {
    const found = scan(realLines("logs/ingress-nginx_no_active_Endpoint_and_ssl_mismatch_idx27726612395.log"), ingressNginxSignals);
    expect(counts(found)).toEqual({ "ingress-nginx.service-no-active-endpoints": 3, "ingress-nginx.ssl-certificate-host-mismatch": 1 });
    expect(found.get("ingress-nginx.service-no-active-endpoints")!.values["service"]).toEqual(["cnc-minio", "cnc-cim-cnc-storage-proxy", "cnc-cim-cim"]);
    expect(found.get("ingress-nginx.ssl-certificate-host-mismatch")!.captures).toEqual({
      secret: "cnc/cnc-cim-tls-nginx",
      host: "aws-sig-ts-jonpark.aws.internal",
      reason: "certificate is valid for local.connect.example.com, not aws-sig-ts-jonpark.aws.internal",
    });
  });

  it("the pre-0.9 wording `service ns/name does not have any active endpoints` (kubernetes/ingress-nginx#250)", () => {
    const found = scan(realLines("logs/ingress-nginx_no_active_endpoints_ingress-nginx-250.log"), ingressNginxSignals);
    expect(found.get("ingress-nginx.service-no-active-endpoints")!.captures).toEqual({ namespace: "external-logging", service: "kibana-svc" });
  });
});

describe("ingress-nginx signals on lines from issues", () => {
  it("HTTP upstream refusing, with host, and the 502 access line naming the upstream (kubernetes/ingress-nginx#3610, 0.21 log format)", () => {
    const found = scan(
      [
        '2018/12/29 16:02:02 [error] 206#206: *342 connect() failed (111: Connection refused) while connecting to upstream, client: 223.65.108.109, server: open.dop.clsaa.com, request: "GET /actuator/health HTTP/1.1", upstream: "http://10.36.0.1:8888/actuator/health", host: "open.dop.clsaa.com"',
        '223.65.108.109 - [223.65.108.109] - - [29/Dec/2018:16:02:02 +0000] "GET /actuator/health HTTP/1.1" 502 157 "-" "PostmanRuntime/7.4.0" 240 0.002 [dop-gateway-server-14523] 10.36.0.1:8888, 10.36.0.1:8888, 10.36.0.1:8888 0, 0, 0 0.000, 0.001, 0.000 502, 502, 502 d22a768555620d053d72cfc24178e3b4',
      ],
      ingressNginxSignals,
    );
    expect(counts(found)).toEqual({ "ingress-nginx.upstream-connection-refused": 1, "ingress-nginx.access-502": 1 });
    expect(found.get("ingress-nginx.upstream-connection-refused")!.captures).toMatchObject({ upstream: "10.36.0.1:8888", server: "open.dop.clsaa.com", host: "open.dop.clsaa.com" });
    expect(found.get("ingress-nginx.access-502")!.captures).toEqual({ request: "GET /actuator/health HTTP/1.1", status: "502", upstream: "dop-gateway-server-14523", upstreamAddr: "10.36.0.1:8888" });
  });

  it("connect timeouts (musl `Operation timed out`) and the 504 access line (kubernetes/ingress-nginx#9443)", () => {
    const found = scan(
      [
        '2023/03/08 16:02:40 [error] 31#31: *569 upstream timed out (110: Operation timed out) while connecting to upstream, client: 108.162.227.25, server: dev-aws.example.com, request: "GET / HTTP/1.1", upstream: "http://192.168.215.1:80/", host: "dev-aws.example.com"',
        '108.162.227.25 - - [08/Mar/2023:16:02:45 +0000] "GET / HTTP/1.1" 504 562 "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36" 1100 14.998 [pc-dev-example-web-service-80] [] 192.168.215.1:80, 192.168.215.1:80, 192.168.215.1:80 0, 0, 0 5.000, 5.000, 5.000 504, 504, 504 a7c98d98ac870f64981a997cd2f373a1',
        // glibc wording, TCP stream (kubernetes/ingress-nginx#869)
        '2017/06/16 07:57:35 [error] 295#295: *1 upstream timed out (110: Connection timed out) while connecting to upstream, client: 192.168.1.236, server: 0.0.0.0:8000, upstream: "10.1.46.2:8000", bytes from/to client:0/0, bytes from/to upstream:0/0',
      ],
      ingressNginxSignals,
    );
    expect(counts(found)).toEqual({ "ingress-nginx.upstream-timeout": 2, "ingress-nginx.access-504": 1 });
    const t = found.get("ingress-nginx.upstream-timeout")!;
    expect(t.captures).toMatchObject({ phase: "connecting to", upstream: "192.168.215.1:80", host: "dev-aws.example.com" });
    expect(t.values["upstream"]).toEqual(["192.168.215.1:80", "10.1.46.2:8000"]);
    expect(found.get("ingress-nginx.access-504")!.captures).toMatchObject({ upstream: "pc-dev-example-web-service-80", upstreamAddr: "192.168.215.1:80" });
  });

  it("503 for an upstream without endpoints: empty address `-` (index id 9033781927)", () => {
    const found = scan(
      ['192.168.64.1 - - [14/Dec/2020:11:07:02 +0000] "GET / HTTP/1.1" 503 190 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.1 Safari/605.1.15" 357 0.000 [smt-local-nginx-8080] [] - - - - c0a25f0592e036fc43cd6493b5d61878'],
      ingressNginxSignals,
    );
    expect(counts(found)).toEqual({ "ingress-nginx.access-503": 1 });
    expect(found.get("ingress-nginx.access-503")!.captures).toMatchObject({ status: "503", upstream: "smt-local-nginx-8080", upstreamAddr: "-" });
  });

  it("no live upstreams (nginx error log; mattermost/mattermost-load-test-ng#719)", () => {
    const found = scan(
      ['2024/03/26 19:09:54 [error] 4207#4207: *123228 no live upstreams while connecting to upstream, client: 76.67.108.52, server: _, request: "GET /api/v4/websocket?connection_id=aqjq8me37pbwmx6bqrqhnfz83h&sequence_number=819 HTTP/1.1", upstream: "http://backend/api/v4/websocket?connection_id=aqjq8me37pbwmx6bqrqhnfz83h&sequence_number=819", host: "ec2-54-146-184-87.compute-1.amazonaws.com"'],
      ingressNginxSignals,
    );
    expect(found.get("ingress-nginx.no-live-upstreams")!.captures).toMatchObject({ server: "_", upstream: "backend", host: "ec2-54-146-184-87.compute-1.amazonaws.com" });
  });

  it("missing and unusable TLS secrets, without the spurious empty-name warning (#7886, index id 43786642150, index id 37007142719, #3048)", () => {
    const found = scan(
      [
        'W1104 16:56:04.503448       7 controller.go:1270] Error getting SSL certificate "prod/grafana-tls": local SSL certificate prod/grafana-tls was not found. Using default certificate',
        'W0416 19:13:29.088408       7 backend_ssl.go:47] Error obtaining X.509 certificate: no object matching key "gitea/tls-secret" in local store',
        "W0510 06:12:12.613491       7 backend_ssl.go:47] Error obtaining X.509 certificate: unexpected error creating SSL Cert: certificate and private key do not have a matching public key: tls: found a certificate rather than a key in the PEM for the private key",
        'W0906 10:06:24.376799      10 controller.go:1114] Error getting SSL certificate "test/": local SSL certificate test/ was not found',
      ],
      ingressNginxSignals,
    );
    expect(counts(found)).toEqual({ "ingress-nginx.secret-not-found": 2, "ingress-nginx.ssl-certificate-invalid": 1 });
    expect(found.get("ingress-nginx.secret-not-found")!.values["secret"]).toEqual(["prod/grafana-tls", "gitea/tls-secret"]);
    expect(found.get("ingress-nginx.ssl-certificate-invalid")!.captures["error"]).toMatch(/^unexpected error creating SSL Cert: certificate and private key do not have a matching public key/);
  });

  it("the 0.9-era certificate/host mismatch wording (kubernetes/ingress-nginx#1873)", () => {
    const found = scan(["W0104 15:03:24.260457       8 controller.go:1062] unexpected error validating SSL certificate staging/y for host test.x.co.uk. Reason: x509: certificate is valid for *.y.io, y.io, not test.x.co.uk"], ingressNginxSignals);
    expect(found.get("ingress-nginx.ssl-certificate-host-mismatch")!.captures).toEqual({ secret: "staging/y", host: "test.x.co.uk", reason: "certificate is valid for *.y.io, y.io, not test.x.co.uk" });
  });

  it("RBAC refusals of the controller's ServiceAccount (kubernetes/ingress-nginx#8048)", () => {
    const found = scan(
      [
        'E1217 10:01:13.885001       7 reflector.go:126] k8s.io/ingress-nginx/internal/ingress/controller/store/store.go:155: Failed to list *v1.ConfigMap: configmaps is forbidden: User "system:serviceaccount:ingress-nginx:nginx-ingress-serviceaccount" cannot list resource "configmaps" in API group "" at the cluster scope',
        'E1217 10:01:13.892826       7 reflector.go:126] k8s.io/ingress-nginx/internal/ingress/controller/store/store.go:152: Failed to list *v1.Endpoints: endpoints is forbidden: User "system:serviceaccount:ingress-nginx:nginx-ingress-serviceaccount" cannot list resource "endpoints" in API group "" at the cluster scope',
      ],
      ingressNginxSignals,
    );
    const s = found.get("ingress-nginx.rbac-forbidden")!;
    expect(s.count).toBe(2);
    expect(s.captures).toEqual({ saNamespace: "ingress-nginx", serviceAccount: "nginx-ingress-serviceaccount", verb: "list", resource: "configmaps" });
    expect(s.values["resource"]).toEqual(["configmaps", "endpoints"]);
    expect(s.firstTime).toBe("1217 10:01:13.885001");
  });

  it("a failed nginx reload (kubernetes/ingress-nginx#4311)", () => {
    const found = scan(["E0711 12:32:02.643467       7 controller.go:145] Unexpected failure reloading the backend:"], ingressNginxSignals);
    expect(counts(found)).toEqual({ "ingress-nginx.reload-failed": 1 });
    expect(found.get("ingress-nginx.reload-failed")!.firstTime).toBe("0711 12:32:02.643467");
  });

  it("stays silent on healthy startup, sync and access lines (2xx, 3xx, 404 from the default backend)", () => {
    const healthy = [
      // startup banner and sync (kubernetes/ingress-nginx#4296, index id 68330860613)
      "NGINX Ingress controller",
      "  Release:    0.25.0",
      "I0709 09:13:43.099802       6 nginx.go:275] Starting NGINX Ingress controller",
      'I0917 11:49:43.030761       7 controller.go:217] "Configuration changes detected, backend reload required"',
      'I0917 11:49:43.095736       7 controller.go:231] "Backend successfully reloaded"',
      // access lines (kubernetes/ingress-nginx#12196, #8731)
      '192.168.49.1 - - [15/Oct/2024:13:16:31 +0000] "GET /thredds/catalog/catalog.html HTTP/2.0" 200 3547 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/112.0" 357 0.003 [default-esgf-thredds-8080] [] 10.244.0.228:8080 3559 0.003 200 7979550a725bddf7089bcdc4',
      '192.168.49.1 - - [15/Oct/2024:13:09:09 +0000] "GET /search HTTP/2.0" 404 146 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0" 21 0.000 [upstream-default-backend] [] 127.0.0.1:8181 146 0.001 404 5dff821788ba8c35ea6667ad6f869807',
      '192.198.123.115 - - [23/Jun/2022:15:14:50 +0000] "GET /bpi/weatherforecast HTTP/1.1" 308 164 "-" "Thunder Client (https://www.thunderclient.com)" 196 0.000 [labs-registrations-clusterip-80] [] - - - - fad39893c39b03d026ce9eed6d0f5b1a',
    ];
    expect(counts(scan(healthy, ingressNginxSignals))).toEqual({});
  });
});
