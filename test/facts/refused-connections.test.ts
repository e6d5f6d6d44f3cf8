/**
 * service.refusedConnectionLogLines counts log lines that report a refused
 * connection to one of the Service's dial targets (ClusterIP:port, podIP:targetPort),
 * matching whole addresses only. The lines are indexed once per diagnosis;
 * these cases pin the matching rules the index must keep.
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/model/build.js";
import { serviceFacts } from "../../src/facts/service.js";

const svc = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "api", namespace: "shop" },
  spec: { clusterIP: "10.96.0.10", selector: { app: "api" }, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
  status: {},
};
const pod = (name: string, ips: string[]) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "shop", labels: { app: "api" } },
  spec: { containers: [{ name: "api", image: "api:1", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
  status: { phase: "Running", podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) },
});

function refused(log: string) {
  const model = buildModel({
    source: "t",
    warnings: [],
    files: new Map([
      ["resources/services.json", Buffer.from(JSON.stringify({ items: [svc] }))],
      ["resources/pods.json", Buffer.from(JSON.stringify({ items: [pod("api-1", ["10.244.1.5", "fd00:10:244:1::5"])] }))],
      ["logs/ingress-nginx/ctrl-1/controller.log", Buffer.from(log)],
    ]),
  });
  const subject = [...serviceFacts.build(model)][0]!;
  return { count: subject.values["service.refusedConnectionLogLines"], lines: (subject.evidence!["service.refusedConnectionLogLines"] ?? []).map((e) => e.line) };
}

describe("refused connections towards a Service's backends", () => {
  it("counts lines naming a backend or the ClusterIP, each line once, and cites the first three in order", () => {
    const log = [
      '2026/11/22 10:21:07 [error] 31#31: *1 connect() failed (111: Connection refused) while connecting to upstream, upstream: "http://10.244.1.5:8080/"',
      "dial tcp 10.96.0.10:80: connect: connection refused",
      "GET / 200 10.244.1.5:8080 fine",
      "dial tcp 10.244.1.5:8080: connect: connection refused (retry of 10.96.0.10:80)",
      "dial tcp 10.244.1.5:8080: connect: connection refused",
    ].join("\n");
    expect(refused(log)).toEqual({ count: 4, lines: [1, 2, 4] });
  });

  it("matches whole addresses only: no longer IP, no longer port, no dotted prefix", () => {
    const log = [
      "dial tcp 110.244.1.5:8080: connect: connection refused",
      "dial tcp 10.244.1.5:80801: connect: connection refused",
      "dial tcp 1.10.244.1.5:8080: connect: connection refused",
      "dial tcp 10.244.1.55:8080: connect: connection refused",
      "dial tcp 10.96.0.10:8: connection refused",
    ].join("\n");
    expect(refused(log)).toEqual({ count: 0, lines: [] });
  });

  it("finds IPv6 backends of dual-stack pods", () => {
    expect(refused("dial tcp [fd00:10:244:1::5]:8080: connect: connection refused\n").count).toBe(1);
  });
});
