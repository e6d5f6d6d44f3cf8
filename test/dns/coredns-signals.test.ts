import { describe, expect, it } from "vitest";
import { scanLines, type SignalSummary } from "../../src/model/signals/scan.js";
import { COREDNS_SIGNALS, DNS_CLIENT_SIGNALS, dnsClientFailureKind, parseQueryLogLine, summarizeQueryLog } from "../../src/model/signals/coredns.js";
import { lines, readShared } from "./helpers.js";

const scan = (text: string | string[], defs = COREDNS_SIGNALS) =>
  scanLines("logs/kube-system/coredns-abc/coredns.log", typeof text === "string" ? lines(text) : text, defs);
/** Signal ids at error or warning severity: what a rule may alert on. */
const alerting = (found: Map<string, SignalSummary>) =>
  [...found.keys()].filter((id) => COREDNS_SIGNALS.concat(DNS_CLIENT_SIGNALS).find((d) => d.id === id)!.severity !== "info").sort();

describe("CoreDNS signals on realdata logs", () => {
  it("coredns/coredns#2795: loop detected, with both addresses and the zone captured", () => {
    const found = scan(readShared("realdata/logs/coredns_loop_detected_coredns-2795.log"));
    expect(alerting(found)).toEqual(["coredns.loop-detected"]);
    expect(found.get("coredns.loop-detected")).toMatchObject({
      count: 1,
      firstTime: "2019-04-17T00:18:44.486Z",
      captures: { from: "127.0.0.1:34614", to: ":53", zone: "." },
      samples: [{ file: "logs/kube-system/coredns-abc/coredns.log", line: 7 }],
    });
    expect(found.get("coredns.version")?.values.version).toEqual(["1.5.0"]);
  });

  it("coredns/coredns#2087: the CoreDNS 1.2 wording (systemd-resolved 127.0.0.53)", () => {
    const found = scan(readShared("realdata/logs/coredns_loop_detected_systemd-resolved_coredns-2087.log"));
    expect(alerting(found)).toEqual(["coredns.loop-detected"]);
    expect(found.get("coredns.loop-detected")!.samples[0]!.line).toBe(8);
    expect(found.get("coredns.version")?.values.version).toEqual(["1.2.2"]);
  });

  it("coredns/coredns#2284: timeouts per upstream, HINFO probe timeouts apart, no upstream host", () => {
    const found = scan(readShared("realdata/logs/coredns_unreachable_backend_io_timeout_coredns-2284.log"));
    expect(alerting(found)).toEqual(["coredns.loop-probe-timeout", "coredns.no-upstream", "coredns.query-error", "coredns.upstream-timeout"]);
    expect(found.get("coredns.upstream-timeout")).toMatchObject({
      count: 5,
      captures: { name: "cassandra-headless.ec2.internal.", qtype: "A", upstream: "10.96.0.10:53" },
      values: { upstream: ["10.96.0.10:53", "10.0.0.2:53", "8.8.8.8:53"], qtype: ["A", "AAAA"] },
      firstTime: "2018/11/21 06:48:52",
      lastTime: "2018/11/21 06:48:57",
    });
    expect(found.get("coredns.loop-probe-timeout")?.count).toBe(3);
    expect(found.get("coredns.no-upstream")?.count).toBe(1);
    expect(found.get("coredns.query-error")).toMatchObject({ count: 9, captures: { rcode: "2" } });
  });

  it("kubernetes/kubernetes#71826: HINFO probe timeouts and the API ClusterIP unreachable", () => {
    const found = scan(readShared("realdata/logs/coredns_hinfo_timeout_and_apiserver_unreachable_kubernetes-71826.log"));
    expect(alerting(found)).toEqual(["coredns.k8s-api-unreachable", "coredns.loop-probe-timeout", "coredns.query-error"]);
    expect(found.get("coredns.loop-probe-timeout")).toMatchObject({ count: 5, values: { upstream: ["219.141.136.10:53", "219.141.140.10:53"] } });
    expect(found.get("coredns.k8s-api-unreachable")).toMatchObject({
      count: 2,
      firstTime: "1207 03:34:20.049977",
      captures: { resource: "v1.Namespace", apiserver: "10.233.0.1:443", reason: "i/o timeout" },
      values: { resource: ["v1.Namespace", "v1.Service"] },
    });
    expect(found.has("coredns.upstream-timeout")).toBe(false);
  });

  it("EKS (aws/containers-roadmap#1115): the Corefile parse error names plugin, file, line and reason", () => {
    const found = scan(readShared("realdata/coredns/Corefile.eks_legacy_broken_upstream_coredns1.7.log"));
    expect(alerting(found)).toEqual(["coredns.corefile-parse-error"]);
    expect(found.get("coredns.corefile-parse-error")!.captures).toEqual({
      plugin: "plugin/kubernetes",
      file: "/etc/coredns/Corefile",
      line: "6",
      reason: "unknown property 'upstream'",
    });
  });
});

describe("CoreDNS signals on lines from public issues (exact text)", () => {
  it("upstream timeouts in the 1.3+ errors-plugin shape, including IPv6 and node-local DNS", () => {
    const found = scan([
      // coredns/coredns#5179
      "[ERROR] plugin/errors: 2 svc-datadog-agent-dogstatsd.datadog-agent.toyota-europe.com. SRV: read udp 192.168.86.18:56917->150.45.86.241:53: i/o timeout",
      // kubernetes/kubernetes#86762 (NodeLocal DNSCache at 169.254.25.10; trailing spaces as pasted)
      "[ERROR] plugin/errors: 2 lcr.acjus.jus.br. A: read udp 169.254.25.10:16773->169.254.25.10:53: i/o timeout                                                           ",
      "[ERROR] plugin/errors: 2 lcr.acjus.jus.br. AAAA: read udp 172.25.2.124:8902->172.31.136.23:53: i/o timeout                                                          ",
      // coredns/coredns#2448 (CoreDNS 1.2 "unreachable backend" wording)
      " [ERROR] plugin/errors: 2 kubernetes.default. AAAA: unreachable backend: read udp 10.244.0.5:51666->223.5.5.5:53: i/o timeout",
      // k3s-io/k3s#6332 (host search domain .localdomain appended by the pod's resolv.conf)
      "[ERROR] plugin/errors: 2 redis.REDACTED.svc.cluster.local.localdomain. A: read udp 10.42.0.124:46247->192.168.205.2:53: i/o timeout                                       ",
      "[WARNING] No files matching import glob pattern: /etc/coredns/custom/*.server                                                                                            ",
    ]);
    expect(found.get("coredns.upstream-timeout")).toMatchObject({
      count: 5,
      values: { upstream: ["150.45.86.241:53", "169.254.25.10:53", "172.31.136.23:53", "223.5.5.5:53", "192.168.205.2:53"], qtype: ["SRV", "A", "AAAA"] },
    });
    expect(found.get("coredns.import-glob-empty")?.captures.pattern).toBe("/etc/coredns/custom/*.server");
  });

  it("HINFO loop-probe timeouts over IPv6 on CoreDNS 1.11.1 (search index id 48601817444)", () => {
    const found = scan([
      ".:53",
      "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
      "CoreDNS-1.11.1",
      "linux/amd64, go1.20.7, ae2bbc2",
      "[ERROR] plugin/errors: 2 8163874400136247191.5223924823700009031. HINFO: read udp 10.88.0.2:53974->208.67.222.222:53: i/o timeout",
      "[ERROR] plugin/errors: 2 8163874400136247191.5223924823700009031. HINFO: read udp [2001:db8:4860::2]:34639->[2003:e6:6701:ce00:b2f2:8ff:fef1:9d19]:53: i/o timeout",
    ]);
    expect(found.get("coredns.loop-probe-timeout")?.values.upstream).toEqual(["208.67.222.222:53", "[2003:e6:6701:ce00:b2f2:8ff:fef1:9d19]:53"]);
    expect(found.has("coredns.upstream-timeout")).toBe(false);
    expect(found.get("coredns.version")?.captures.version).toBe("1.11.1");
  });

  it("API server unreachable: klog and plugin/kubernetes shapes; refused, no route, timeout", () => {
    const found = scan([
      // wuestkamp/cka-example-environments#6 (CoreDNS 1.6.7)
      "E0502 18:35:32.526725       1 reflector.go:307] pkg/mod/k8s.io/client-go@v0.17.2/tools/cache/reflector.go:105: Failed to watch *v1.Namespace: Get https://10.96.0.1:443/api/v1/namespaces?allowWatchBookmarks=true&resourceVersion=864&timeout=7m42s&timeoutSeconds=462&watch=true: dial tcp 10.96.0.1:443: connect: connection refused",
      // cilium/cilium#27900
      '[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.29.3/tools/cache/reflector.go:229: Failed to watch *v1.Namespace: failed to list *v1.Namespace: Get "https://10.96.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: no route to host',
      // CoreDNS 1.11.1 on docker-desktop (search index id 10684411119): an INFO line and its trace lines
      '[INFO] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.27.4/tools/cache/reflector.go:231: failed to list *v1.EndpointSlice: Get "https://10.96.0.1:443/apis/discovery.k8s.io/v1/endpointslices?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: i/o timeout',
      '[INFO] plugin/kubernetes: Trace[989619704]: "Reflector ListAndWatch" name:pkg/mod/k8s.io/client-go@v0.27.4/tools/cache/reflector.go:231 (08-Oct-2024 18:09:15.015) (total time: 30007ms):',
      'Trace[989619704]: ---"Objects listed" error:Get "https://10.96.0.1:443/apis/discovery.k8s.io/v1/endpointslices?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: i/o timeout 30004ms (18:09:45.024)',
      "[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server",
      "[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API",
      // jhunt/k8s-boshrelease#57
      '[INFO] plugin/ready: Still waiting on: "kubernetes"',
    ]);
    expect(found.get("coredns.k8s-api-unreachable")).toMatchObject({
      count: 3,
      values: {
        resource: ["v1.Namespace", "v1.EndpointSlice"],
        reason: ["connect: connection refused", "connect: no route to host", "i/o timeout"],
        apiserver: ["10.96.0.1:443"],
      },
    });
    expect(found.get("coredns.k8s-api-not-synced")).toMatchObject({ count: 3, values: { plugin: ["kubernetes"] } });
    expect(found.has("coredns.upstream-timeout")).toBe(false);
    expect(found.has("coredns.query-error")).toBe(false);
  });

  it("upstream unreachable and API no route in one weave-net node log (search index id 49632093569)", () => {
    const found = scan([
      'E1015 05:13:21.710410       1 reflector.go:178] pkg/mod/k8s.io/client-go@v0.18.3/tools/cache/reflector.go:125: Failed to list *v1.Service: Get "https://10.96.0.1:443/api/v1/services?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: no route to host',
      "[ERROR] plugin/errors: 2 1166689798426314495.5049273936867266747. HINFO: read udp 10.32.0.2:43316->192.168.1.1:53: i/o timeout",
      "[ERROR] plugin/errors: 2 1166689798426314495.5049273936867266747. HINFO: dial udp [fd5a:b141:6779::1]:53: connect: network is unreachable",
      "[INFO] SIGTERM: Shutting down servers then terminating",
      "[INFO] plugin/health: Going into lameduck mode for 5s",
    ]);
    expect(found.get("coredns.upstream-unreachable")?.captures).toMatchObject({ upstream: "[fd5a:b141:6779::1]:53", reason: "network is unreachable", qtype: "HINFO" });
    expect(found.get("coredns.k8s-api-unreachable")?.captures.reason).toBe("connect: no route to host");
    expect(found.get("coredns.loop-probe-timeout")?.count).toBe(1);
  });

  it("RBAC: the service account may not list EndpointSlices (CoreDNS 1.8.1+)", () => {
    const found = scan([
      // kubeadm notes (search index id 9815952902), CoreDNS 1.8.x
      'E0602 02:11:25.299934       1 reflector.go:138] pkg/mod/k8s.io/client-go@v0.21.1/tools/cache/reflector.go:167: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope',
      // coredns/coredns#4489 (old client-go prints forbidden as "unknown")
      "E0225 14:25:57.689877       1 reflector.go:138] pkg/mod/k8s.io/client-go@v0.20.2/tools/cache/reflector.go:167: Failed to watch *v1beta1.EndpointSlice: unknown (get endpointslices.discovery.k8s.io)",
    ]);
    expect(found.get("coredns.k8s-api-forbidden")).toMatchObject({
      count: 2,
      captures: { resource: "v1.EndpointSlice", target: "endpointslices.discovery.k8s.io", user: "system:serviceaccount:kube-system:coredns" },
      values: { resource: ["v1.EndpointSlice", "v1beta1.EndpointSlice"], target2: ["endpointslices.discovery.k8s.io"] },
    });
    expect(found.has("coredns.k8s-api-unreachable")).toBe(false);
  });

  it("Corefile errors at startup and on reload", () => {
    const found = scan([
      // coredns/deployment#215
      "/etc/coredns/Corefile:3 - Error during parsing: Unknown directive '.'",
      // istio/istio.io#4715 (older wording without quotes)
      "/etc/coredns/Corefile:10 - Error during parsing: Unknown directive proxy",
      // coredns/coredns#3368
      "coredns    | /root/Corefile:5 - Error during parsing: Unknown directive 'proxy'",
      // traefik/mesh#685
      "plugin/kubernetes: /etc/coredns/Corefile:25 - Error during parsing: unknown property 'upstream'",
      // missdeer/corednshome#8 (path elided by the reporter)
      "plugin/forward: ...\\AppData\\Local\\minidump.info\\CoreDNS-Home\\Corefile:14 - Error during parsing: Wrong argument count or unexpected line ending after '.'",
      // coredns/kubernetai#22 (no file position in the report)
      "Error during parsing: Unknown directive 'kubernetai'",
    ]);
    expect(found.get("coredns.corefile-parse-error")).toMatchObject({
      count: 5,
      values: {
        line: ["3", "10", "5", "25", "14"],
        plugin: ["plugin/kubernetes", "plugin/forward"],
        file: ["/etc/coredns/Corefile", "/root/Corefile", "...\\AppData\\Local\\minidump.info\\CoreDNS-Home\\Corefile"],
      },
    });
    expect(found.get("coredns.unknown-directive")?.values.directive).toEqual([".", "proxy", "kubernetai"]);

    const reload = scan([
      // coredns/coredns#3783
      "[INFO] Reloading",
      "[ERROR] Restart failed: ./Corefile:13 - Error during parsing: Unknown directive 'read'",
      "[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: ./Corefile:13 - Error during parsing: Unknown directive 'read'",
      // coredns/coredns#1457 (CoreDNS 1.0.5 wording)
      "2018/01/28 14:02:05 [ERROR] Corefile changed but reload failed: plugin/proxy: strconv.Atoi: parsing \"1s\": invalid syntax",
    ]);
    expect(reload.get("coredns.reload-failed")).toMatchObject({ count: 2, lastTime: "2018/01/28 14:02:05" });
    expect(reload.get("coredns.reload-failed")!.values.reason![0]).toContain("Unknown directive 'read'");
    expect(reload.get("coredns.corefile-parse-error")).toMatchObject({ count: 2, captures: { file: "./Corefile", line: "13" } });
    expect(reload.has("coredns.query-error")).toBe(false);
  });

  it("other query errors are counted generically", () => {
    const found = scan([
      // coredns/coredns#3305
      "[ERROR] plugin/errors: 2 resources.download.minecraft.net. A: dns: overflow unpacking uint16",
      // coredns/coredns#2230 (CoreDNS 1.2, rcode 0)
      "2018/09/07 00:11:28 [ERROR] 0 a1441.g4.akamai.net. A: EOF",
    ]);
    expect(found.get("coredns.query-error")).toMatchObject({
      count: 2,
      values: { rcode: ["2", "0"], error: ["dns: overflow unpacking uint16", "EOF"] },
    });
    expect(alerting(found)).toEqual(["coredns.query-error"]);
  });

  it("log-plugin SERVFAIL and NXDOMAIN lines (coredns/coredns#3775)", () => {
    const found = scan(QUERIES_3775);
    expect(found.get("coredns.query-servfail")).toMatchObject({ count: 2, captures: { name: "EXTERNALURL.", qtype: "A" } });
    expect(found.get("coredns.query-nxdomain")?.count).toBe(3);
  });
});

describe("healthy CoreDNS logs raise no alerting signal", () => {
  it("startup, reload, lameduck shutdown, empty import globs and normal queries", () => {
    const found = scan([
      // CoreDNS 1.11.1 startup (search index id 36029869694)
      ".:53",
      "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
      "CoreDNS-1.11.1",
      "linux/amd64, go1.20.7, ae2bbc2",
      // k3s-io/k3s#8785: no coredns-custom ConfigMap
      "[WARNING] No files matching import glob pattern: /etc/coredns/custom/*.override",
      // coredns/coredns#4804: a reload
      "[INFO] Reloading",
      "2021-08-12T08:49:09.660Z [INFO] plugin/reload: Running configuration MD5 = 2c2678d613dda4d5669dd465792642bd",
      "[INFO] Reloading complete",
      // coredns/coredns#4436: the loop plugin's own probe answered NXDOMAIN (no loop)
      '[INFO] 127.0.0.1:57945 - 50906 "HINFO IN 6270127637058920514.4349600810579566757. udp 57 false 512" NXDOMAIN qr,rd,ra 132 0.055544143s',
      // kubernetes/kubernetes#80243: a cluster name answered
      '2019-07-19T08:24:57.576Z [INFO] 10.244.1.3:40090 - 51243 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.0000988s',
      // search index id 49632093569: graceful shutdown
      "[INFO] SIGTERM: Shutting down servers then terminating",
      "[INFO] plugin/health: Going into lameduck mode for 5s",
    ]);
    expect(alerting(found)).toEqual([]);
    expect(found.get("coredns.version")?.captures.version).toBe("1.11.1");
  });

  it("the startup lines of realdata logs alone are clean too", () => {
    const log = lines(readShared("realdata/logs/coredns_loop_detected_coredns-2795.log")).slice(0, 6);
    expect(alerting(scan(log))).toEqual([]);
  });
});

describe("DNS client signals (application logs)", () => {
  it("Go resolver errors against the cluster DNS", () => {
    const found = scanLines("logs/default/app/app.log", [
      // search index id 23177968388: a DNS load test from a pod
      "lookup httpbin.default.svc.cluster.local. on 10.96.0.10:53: no such host",
      "lookup httpbin.default.svc.cluster.local. on 10.96.0.10:53: read udp 10.244.211.25:46083->10.96.0.10:53: i/o timeout",
      // search index id 48057616359: `kubectl logs` of a job
      "Get http://kubelive-minio:9000/probe-bucket-sign/?location=: dial tcp: lookup kubelive-minio on 10.96.0.10:53: no such host",
      // search index id 55576403609: egress to kube-dns denied by a NetworkPolicy (REJECT)
      "dial tcp: lookup production.cloudfront.docker.com on 10.43.0.10:53: read udp 10.42.0.21:44148->10.43.0.10:53: read: connection refused",
    ], DNS_CLIENT_SIGNALS);
    expect(found.get("dns-client.no-such-host")).toMatchObject({ count: 2, values: { host: ["httpbin.default.svc.cluster.local.", "kubelive-minio"], server: ["10.96.0.10:53"] } });
    expect(found.get("dns-client.timeout")).toMatchObject({ count: 1, captures: { server: "10.96.0.10:53" } });
    expect(found.get("dns-client.refused")).toMatchObject({ count: 1, captures: { host: "production.cloudfront.docker.com", server: "10.43.0.10:53" } });
  });
});

describe("DNS client signals of other runtimes (exact lines from public issues)", () => {
  const clientScan = (lines: string[]) => scanLines("logs/app/app-0/app.log", lines, DNS_CLIENT_SIGNALS);
  /** Each line: the one signal it raises, the host it names (if any) and what kind of failure that is. */
  const classify = (line: string) => {
    const found = [...clientScan([line]).values()];
    return found.map((f) => ({ id: f.id, host: f.captures.host, kind: dnsClientFailureKind(f.id, f.captures) }));
  };

  it("Go SERVFAIL is `server misbehaving` (kubernetes/kubernetes#39980)", () => {
    expect(classify("PANIC: dial tcp: lookup redis-slave on 100.64.0.10:53: server misbehaving")).toEqual([{ id: "dns-client.server-misbehaving", host: "redis-slave", kind: "failed" }]);
    expect(clientScan(["PANIC: dial tcp: lookup redis-slave on 100.64.0.10:53: server misbehaving"]).get("dns-client.server-misbehaving")!.captures.server).toBe("100.64.0.10:53");
  });

  it("Node.js EAI_AGAIN and ENOTFOUND (kubernetes/kubernetes#68321)", () => {
    expect(classify("there is error 1 Error: getaddrinfo EAI_AGAIN api.openweathermap.org api.openweathermap.org:80")).toEqual([{ id: "dns-client.eai-again", host: "api.openweathermap.org", kind: "failed" }]);
    expect(classify("Error: getaddrinfo ENOTFOUND payments.payments.svc.cluster.local")).toEqual([{ id: "dns-client.enotfound", host: "payments.payments.svc.cluster.local", kind: "not-found" }]);
  });

  it("Java UnknownHostException, bare and with glibc's reason (engapa/kafka-k8s-openshift#12, Mirantis/k8s-apps#7)", () => {
    expect(classify("java.net.UnknownHostException: kafka-1.kafka.default.svc.cluster.local")).toEqual([{ id: "dns-client.unknown-host", host: "kafka-1.kafka.default.svc.cluster.local", kind: "not-found" }]);
    expect(classify("java.net.UnknownHostException: hdfs-namenode-ts-rdapp-hdfs-0: hdfs-namenode-ts-rdapp-hdfs-0: Name or service not known").map((f) => [f.id, f.host])).toEqual([
      ["dns-client.unknown-host", "hdfs-namenode-ts-rdapp-hdfs-0"],
      ["dns-client.name-not-known", "hdfs-namenode-ts-rdapp-hdfs-0"],
    ]);
  });

  it("curl, Python/urllib3 and Ruby through glibc (kubernetes#63754, polyaxon#482, a Ruby Net::HTTP error)", () => {
    expect(classify("curl: (6) Could not resolve host: cafe.example.com")).toEqual([{ id: "dns-client.curl-unresolved", host: "cafe.example.com", kind: "not-found" }]);
    expect(classify("requests.exceptions.ConnectionError: HTTPConnectionPool(host='polyaxon-polyaxon-api', port=80): Max retries exceeded with url: /api/v1/<redacted>/experiments/335526/imporsonatetoken/ (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f8b3121ac18>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution',))"))
      .toEqual([{ id: "dns-client.temporary-failure", host: undefined, kind: "failed" }]);
    // Ruby prints the C function's name, not a host, before glibc's message.
    expect(classify("error:  Failed to open TCP connection to guardian.xxx.com:80 (getaddrinfo: Temporary failure in name resolution)")).toEqual([{ id: "dns-client.temporary-failure", host: undefined, kind: "failed" }]);
  });

  it("nginx resolver codes and Fluent Bit's c-ares errors (Joxit/docker-registry-ui#339, fluent/helm-charts#264)", () => {
    expect(classify("2023/10/15 10:03:32 [error] 397#397: *22 docker-registry.pipelines.svc.cluster.local could not be resolved (110: Operation timed out), client: 10.7.1.229, server: localhost, request: \"GET /v2/_catalog?n=1000 HTTP/1.1\", host: \"10.3.1.211\", referrer: \"http://10.3.1.211/\""))
      .toEqual([{ id: "dns-client.nginx-unresolved", host: "docker-registry.pipelines.svc.cluster.local", kind: "unreachable" }]);
    expect(classify("[2022/10/06 09:20:31] [ warn] [net] getaddrinfo(host='2eee2d30-f495-4b6c-ab77-5e73f5400bad.ods.opinsights.azure.com', err=12): Timeout while contacting DNS servers"))
      .toEqual([{ id: "dns-client.c-ares", host: "2eee2d30-f495-4b6c-ab77-5e73f5400bad.ods.opinsights.azure.com", kind: "unreachable" }]);
    expect(dnsClientFailureKind("dns-client.c-ares", { code: "4" })).toBe("not-found");
    expect(dnsClientFailureKind("dns-client.nginx-unresolved", { code: "3" })).toBe("not-found");
    expect(dnsClientFailureKind("dns-client.nginx-unresolved", { code: "2" })).toBe("failed");
  });

  it("ordinary application lines raise nothing", () => {
    expect([...clientScan([
      "2026-11-22T10:27:41.402Z ERROR failed to connect to database: dial tcp 10.96.0.31:5432: connect: connection refused",
      "The service name or namespace is wrong",
      "user name or password not known",
      "GET /healthz 200 0.4ms",
    ]).keys()]).toEqual([]);
  });
});

// coredns/coredns#3775 (CoreDNS 1.3.1, node resolv.conf on systemd-resolved): redacted external name.
const QUERIES_3775 = [
  '2020-03-25T16:36:53.161Z [INFO] 10.42.192.21:49959 - 43955 "A IN EXTERNALURL.NAMESPACE.svc.cluster.local. udp 60 false 512" NXDOMAIN qr,rd 153 0.000205631s',
  '2020-03-25T16:36:53.162Z [INFO] 10.42.192.21:50169 - 41857 "A IN EXTERNALURL.svc.cluster.local. udp 50 false 512" NXDOMAIN qr,rd 143 0.000155658s',
  '2020-03-25T16:36:53.162Z [INFO] 10.42.192.21:33768 - 19438 "A IN EXTERNALURL.cluster.local. udp 46 false 512" NXDOMAIN qr,rd 139 0.000143259s',
  '2020-03-25T16:36:53.164Z [INFO] 10.42.192.21:51916 - 60408 "A IN EXTERNALURL. udp 32 false 512" SERVFAIL qr,rd 32 0.001564637s',
  '2020-03-25T16:36:53.166Z [INFO] 10.42.192.21:35509 - 60408 "A IN EXTERNALURL. udp 32 false 512" SERVFAIL qr,rd 32 0.001460942s',
];

// kubernetes/kubernetes#80243 (CoreDNS 1.3+): a FQDN without trailing dot walks the whole search list,
// including the node's own search domain intermax.local, before it is asked as written.
const QUERIES_80243 = [
  '2019-07-19T08:24:57.565Z [INFO] 10.244.1.3:33509 - 51831 "A IN kubernetes.default.svc.cluster.local.default.svc.cluster.local. udp 80 false 512" NXDOMAIN qr,aa,rd 173 0.0002208s',
  '2019-07-19T08:24:57.567Z [INFO] 10.244.1.3:49985 - 54837 "A IN kubernetes.default.svc.cluster.local.svc.cluster.local. udp 72 false 512" NXDOMAIN qr,aa,rd 165 0.0001448s',
  '2019-07-19T08:24:57.568Z [INFO] 10.244.1.3:52890 - 452 "A IN kubernetes.default.svc.cluster.local.cluster.local. udp 68 false 512" NXDOMAIN qr,aa,rd 161 0.0001778s',
  '2019-07-19T08:24:57.575Z [INFO] 10.244.1.3:52206 - 12963 "A IN kubernetes.default.svc.cluster.local.intermax.local. udp 69 false 512" NXDOMAIN qr,aa,rd,ra 158 0.0069123s',
  '2019-07-19T08:24:57.576Z [INFO] 10.244.1.3:40090 - 51243 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.0000988s',
  '2019-07-19T08:24:57.576Z [INFO] 10.244.1.3:40360 - 31245 "AAAA IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 147 0.0000896s',
  '2019-07-19T08:25:01.364Z [INFO] 10.244.1.3:39500 - 882 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,rd 106 0.0000941s',
  '2019-07-19T08:25:01.365Z [INFO] 10.244.1.3:58064 - 8236 "AAAA IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,rd 147 0.0000565s',
];

// kubernetes/kubernetes#72826 (CoreDNS 1.2 line format): busybox asks the name as written first.
const QUERIES_72826 = [
  '192.168.2.14:33615 - [11/Jan/2019:19:59:01 +0000] 14 "A IN kubernetes.default. udp 36 false 512" NXDOMAIN qr,rd,ra 112 0.001532826s',
  '192.168.2.14:44879 - [11/Jan/2019:19:59:01 +0000] 15 "A IN kubernetes.default.default.svc.cluster.local. udp 62 false 512" NXDOMAIN qr,aa,rd,ra 155 0.000205726s',
  '192.168.2.14:42272 - [11/Jan/2019:19:59:01 +0000] 16 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd,ra 106 0.000139515s',
  '192.168.2.14:52774 - [11/Jan/2019:19:59:01 +0000] 17 "PTR IN 1.0.96.10.in-addr.arpa. udp 40 false 512" NOERROR qr,aa,rd,ra 112 0.00014s',
];

// coredns/coredns#2289 (CoreDNS 1.2): expansions of an external name; the answer to the name itself
// is past the end of the pasted excerpt.
const QUERIES_2289 = [
  '10.244.1.155:40796 - [12/Nov/2018:08:39:03 +0000] 19104 "A IN acme-v02.api.letsencrypt.org.ingress.svc.cluster.local. udp 72 false 512" NXDOMAIN qr,rd,ra 165 0.000410577s',
  '10.244.1.155:51013 - [12/Nov/2018:08:39:03 +0000] 29141 "AAAA IN acme-v02.api.letsencrypt.org.svc.cluster.local. udp 64 false 512" NXDOMAIN qr,rd,ra 157 0.000425219s',
  '10.244.1.155:58880 - [12/Nov/2018:08:39:03 +0000] 35055 "A IN acme-v02.api.letsencrypt.org.svc.cluster.local. udp 64 false 512" NXDOMAIN qr,rd,ra 157 0.000842194s',
  '10.244.1.155:53611 - [12/Nov/2018:08:39:03 +0000] 279 "AAAA IN acme-v02.api.letsencrypt.org.cluster.local. udp 60 false 512" NXDOMAIN qr,rd,ra 153 0.000158279s',
  '10.244.1.155:57644 - [12/Nov/2018:08:39:03 +0000] 26214 "A IN acme-v02.api.letsencrypt.org.cluster.local. udp 60 false 512" NXDOMAIN qr,rd,ra 153 0.000582892s',
  '10.244.1.155:53330 - [12/Nov/2018:08:39:03 +0000] 23888 "AAAA IN acme-v02.api.letsencrypt.org.local. udp 52 false 512" NXDOMAIN qr,rd,ra 52 0.001675627s',
  '10.244.1.155:41214 - [12/Nov/2018:08:39:03 +0000] 49764 "A IN acme-v02.api.letsencrypt.org.local. udp 52 false 512" NXDOMAIN qr,rd,ra 52 0.002842832s',
];

describe("summarizeQueryLog", () => {
  it("parses both line formats and the custom-format variant with a timestamp after [INFO]", () => {
    expect(parseQueryLogLine(QUERIES_72826[2]!)).toEqual({ client: "192.168.2.14:42272", qtype: "A", name: "kubernetes.default.svc.cluster.local.", proto: "udp", rcode: "NOERROR", durationSeconds: 0.000139515 });
    // coredns/coredns#7108 (CoreDNS 1.12.0, log format with {time} and ECS)
    expect(parseQueryLogLine('[INFO] 2025-01-31T06:47:42Z 20.115.101.0:57149 - 58207 "NS IN . udp 40 false 1232" REFUSED qr,rd 34 0.000245163s ECS(-)')).toMatchObject({ name: ".", rcode: "REFUSED", qtype: "NS" });
    // coredns/coredns#4724: no answer written, logged as NOERROR with flags "-"
    expect(parseQueryLogLine('[INFO] 127.0.0.1:63325 - 28625 "A IN 9gag.com. udp 49 false 4096" NOERROR - 0 6.010923182s')).toMatchObject({ rcode: "NOERROR", durationSeconds: 6.010923182 });
    expect(parseQueryLogLine("[ERROR] plugin/errors: 2 example.com. A: EOF")).toBeUndefined();
  });

  it("ndots expansion of an external name, followed by the name itself (coredns/coredns#3775)", () => {
    const s = summarizeQueryLog(QUERIES_3775);
    expect(s.queries).toBe(5);
    expect(s.byRcode).toEqual({ NXDOMAIN: 3, SERVFAIL: 2 });
    expect(s.byZone).toEqual([
      { suffix: "cluster.local.", total: 3, NOERROR: 0, NXDOMAIN: 3, SERVFAIL: 0, other: 0 },
      { suffix: "externalurl.", total: 2, NOERROR: 0, NXDOMAIN: 0, SERVFAIL: 2, other: 0 },
    ]);
    expect(s.searchExpansion).toEqual({
      expansionQueries: 3,
      externalExpansionQueries: 3,
      names: [{ base: "externalurl.", external: true, expansions: 3, searchDomains: ["namespace.svc.cluster.local.", "svc.cluster.local.", "cluster.local."], finalRcode: "SERVFAIL" }],
    });
  });

  it("a cluster FQDN written without the final dot walks the search list, node domain included (kubernetes#80243)", () => {
    const s = summarizeQueryLog(QUERIES_80243);
    expect(s.searchExpansion).toEqual({
      expansionQueries: 4,
      externalExpansionQueries: 0,
      names: [{
        base: "kubernetes.default.svc.cluster.local.",
        external: false,
        expansions: 4,
        searchDomains: ["default.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", "intermax.local."],
        finalRcode: "NOERROR",
      }],
    });
    expect(s.byZone.map((z) => [z.suffix, z.total])).toEqual([["cluster.local.", 7], ["intermax.local.", 1]]);
  });

  it("base asked first (busybox): a service.namespace short name answered through the search list is not external (kubernetes#72826)", () => {
    const s = summarizeQueryLog(QUERIES_72826);
    expect(s.searchExpansion).toEqual({
      expansionQueries: 1,
      externalExpansionQueries: 0,
      names: [{ base: "kubernetes.default.", external: false, expansions: 1, searchDomains: ["default.svc.cluster.local."], finalRcode: "NXDOMAIN" }],
    });
    expect(s.byZone.find((z) => z.suffix === "in-addr.arpa.")?.NOERROR).toBe(1);
  });

  it("expansions whose base name never shows up are not counted (coredns/coredns#2289 excerpt)", () => {
    const s = summarizeQueryLog(QUERIES_2289);
    expect(s.byRcode).toEqual({ NXDOMAIN: 7 });
    expect(s.searchExpansion.expansionQueries).toBe(0);
    // With the final answer appended, all seven become expansions of one external name.
    const completed = summarizeQueryLog([
      ...QUERIES_2289,
      QUERIES_2289[0]!.replace("49764", "589").replace("acme-v02.api.letsencrypt.org.ingress.svc.cluster.local.", "acme-v02.api.letsencrypt.org.").replace("NXDOMAIN", "NOERROR"),
    ]);
    expect(completed.searchExpansion).toMatchObject({ expansionQueries: 7, externalExpansionQueries: 7 });
    expect(completed.searchExpansion.names[0]!.searchDomains).toEqual(["ingress.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", "local."]);
  });

  it("honours the cluster domain, ignores non-query lines and garbage", () => {
    // In a cluster whose domain is example.internal, kubernetes.default.svc.cluster.local is an external name.
    const s = summarizeQueryLog(["CoreDNS-1.11.1", ...QUERIES_80243, "", "\u0000"], { clusterDomain: "example.internal" });
    expect(s.queries).toBe(8);
    expect(s.searchExpansion).toMatchObject({ expansionQueries: 4, externalExpansionQueries: 4 });
    expect(s.byZone.map((z) => z.suffix)).toEqual(["cluster.local.", "intermax.local."]);
    expect(summarizeQueryLog(undefined as unknown as string[]).queries).toBe(0);
  });
});
