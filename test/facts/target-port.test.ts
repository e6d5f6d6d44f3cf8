/**
 * service.targetPortMismatches: containerPort is informational, so an
 * undeclared numeric targetPort counts only when the declarations contradict
 * the Service — no port of it reaches a declared port, a declared port has
 * the Service port's name at another number, or clients log `connection
 * refused` towards that target. Side ports beside matching ones do not.
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/model/build.js";
import { serviceFacts } from "../../src/facts/service.js";

type Port = { name?: string; port: number; targetPort?: number | string; protocol?: string };
type ContainerPort = { name?: string; containerPort: number; protocol?: string };

function mismatches(ports: Port[], declared: ContainerPort[], log = ""): unknown[] {
  const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "svc", namespace: "ns" }, spec: { clusterIP: "10.96.0.40", selector: { app: "a" }, ports }, status: {} };
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "a-1", namespace: "ns", labels: { app: "a" } },
    spec: { containers: [{ name: "main", image: "a:1", ports: declared }] },
    status: { phase: "Running", podIP: "10.244.1.9", podIPs: [{ ip: "10.244.1.9" }] },
  };
  const model = buildModel({
    source: "t",
    warnings: [],
    files: new Map([
      ["resources/services.json", Buffer.from(JSON.stringify({ items: [svc] }))],
      ["resources/pods.json", Buffer.from(JSON.stringify({ items: [pod] }))],
      ["logs/shop/client-1/client.log", Buffer.from(log)],
    ]),
  });
  const subject = [...serviceFacts.build(model)][0]!;
  return (subject.values["service.targetPortMismatches"] as { targetPort: unknown }[]).map((m) => m.targetPort);
}

// istiod as the istio-discovery chart installs it.
const ISTIOD_PORTS: Port[] = [
  { name: "grpc-xds", port: 15010 },
  { name: "https-dns", port: 15012 },
  { name: "https-webhook", port: 443, targetPort: 15017 },
  { name: "http-monitoring", port: 15014 },
];
const ISTIOD_DECLARED: ContainerPort[] = [{ containerPort: 8080 }, { containerPort: 15010 }, { containerPort: 15017 }];

describe("undeclared numeric targetPorts", () => {
  it("reports the single-port typo: 80→8080 while the container declares 80", () => {
    expect(mismatches([{ name: "http", port: 80, targetPort: 8080 }], [{ containerPort: 80 }])).toEqual([8080]);
  });

  it("reports every port when none of the Service's ports reaches a declared one", () => {
    expect(mismatches([{ name: "http", port: 80, targetPort: 8080 }, { name: "admin", port: 9000, targetPort: 9000 }], [{ containerPort: 3000 }])).toEqual([8080, 9000]);
  });

  it("takes undeclared side ports beside declared ones as a partial list (istiod)", () => {
    expect(mismatches(ISTIOD_PORTS, ISTIOD_DECLARED)).toEqual([]);
  });

  it("reports a side port clients are refused on, at the pod or at the ClusterIP", () => {
    expect(mismatches(ISTIOD_PORTS, ISTIOD_DECLARED, "dial tcp 10.244.1.9:15012: connect: connection refused\n")).toEqual([15012]);
    expect(mismatches(ISTIOD_PORTS, ISTIOD_DECLARED, "dial tcp 10.96.0.40:15014: connect: connection refused\n")).toEqual([15014]);
  });

  it("ignores refusals towards other ports and other addresses", () => {
    expect(mismatches(ISTIOD_PORTS, ISTIOD_DECLARED, "dial tcp 10.244.1.9:15013: connect: connection refused\ndial tcp 10.244.1.19:15012: connect: connection refused\n")).toEqual([]);
  });

  it("reports a port whose name the container declares at another number", () => {
    const ports = [{ name: "http", port: 80, targetPort: "http" }, { name: "grpc", port: 9090, targetPort: 9091 }];
    expect(mismatches(ports, [{ name: "http", containerPort: 8080 }, { name: "grpc", containerPort: 9090 }])).toEqual([9091]);
  });

  it("counts a resolving named targetPort as reaching a declared port", () => {
    const ports = [{ name: "http", port: 80, targetPort: "http" }, { name: "metrics", port: 9102, targetPort: 9102 }];
    expect(mismatches(ports, [{ name: "http", containerPort: 8080 }])).toEqual([]);
  });

  it("compares protocols: a UDP declaration does not make a TCP target declared", () => {
    expect(mismatches([{ name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" }], [{ name: "dns", containerPort: 53, protocol: "UDP" }])).toEqual([53]);
  });

  it("says nothing when the pods declare no ports at all", () => {
    expect(mismatches([{ name: "http", port: 80, targetPort: 8080 }], [])).toEqual([]);
  });
});
