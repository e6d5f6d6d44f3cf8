/**
 * The proxy layer's node-rule comparison on a large cluster: N nodes, each
 * with a kube-proxy iptables-save rendered (by the fixture generator) from S
 * Service ports and their EndpointSlices, plus a stale target and a missing
 * Service on one node so the comparison has something to find.
 *
 *   node --import tsx bench/proxy-facts.ts [nodes] [servicePorts]
 *
 * Prints the time to compute the proxy facts (parse + map + compare of every
 * node, one node at a time) and the heap they retain, which must not grow with
 * the dumps (only differences are kept). Run with --expose-gc for the retained figure.
 */
import { renderNodeData } from "../fixtures/lib/node-data.js";
import { proxyFacts } from "../src/facts/proxy.js";
import { computeFacts } from "../src/facts/index.js";
import { buildModel } from "../src/model/build.js";

const NODES = Number(process.argv[2] ?? 20);
const SERVICE_PORTS = Number(process.argv[3] ?? 3000);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

type Obj = Record<string, unknown>;
const list = (items: Obj[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });

const nodes = Array.from({ length: NODES }, (_, i) => ({ name: `node-${i}`, ip: `10.0.${i >> 8}.${(i & 255) + 1}`, podCIDR: `10.${100 + (i >> 8)}.${i & 255}.0/24`, ready: true }));
const services: Obj[] = [];
const slices: Obj[] = [];
let endpoints = 0;
for (let i = 0; i < SERVICE_PORTS; i++) {
  const ns = `team-${i % 40}`;
  const name = `svc-${i}`;
  const clusterIP = `10.96.${i >> 8}.${(i & 255) + 1}`;
  services.push({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { clusterIP, clusterIPs: [clusterIP], ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }], selector: { app: name }, type: "ClusterIP" }, status: { loadBalancer: {} } });
  const eps = Array.from({ length: 1 + (i % 6) }, (_, e) => {
    const n = nodes[(i + e) % NODES]!;
    return { addresses: [`${n.podCIDR.split(".").slice(0, 3).join(".")}.${(e % 250) + 2}`], conditions: { ready: true, serving: true, terminating: false }, nodeName: n.name };
  });
  endpoints += eps.length;
  slices.push({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", addressType: "IPv4", metadata: { name: `${name}-abcde`, namespace: ns, labels: { "kubernetes.io/service-name": name } }, endpoints: eps, ports: [{ name: "http", port: 8080, protocol: "TCP" }] });
}

const t0 = performance.now();
const files = new Map<string, Buffer>();
// Render in slices of services so the generator's per-Service slice lookup stays linear.
const rendered = renderNodeData(
  { iptables: true, proxy: { nodes: { "node-0": { missingServices: ["team-1/svc-1"], staleEndpoints: [{ service: "team-2/svc-2:http", target: "10.250.0.9:8080" }] } } } },
  { nodes, pods: [], services, slices, configmaps: [{ namespace: "kube-system", name: "kube-proxy", data: { "config.conf": "kind: KubeProxyConfiguration\nclusterCIDR: 10.100.0.0/14\nmode: \"\"\n" } }], collectedAt: "2026-11-22T10:30:00Z" },
);
let lines = 0;
for (const [path, text] of rendered) {
  files.set(path, Buffer.from(text));
  lines += text.split("\n").length;
}
files.set("resources/nodes.json", Buffer.from(list(nodes.map((n) => ({ apiVersion: "v1", kind: "Node", metadata: { name: n.name }, spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] }, status: { addresses: [{ type: "InternalIP", address: n.ip }], conditions: [{ type: "Ready", status: "True" }] } })))));
files.set("resources/services.json", Buffer.from(list(services)));
files.set("resources/endpointslices.json", Buffer.from(list(slices)));
const model = buildModel({ source: "bench", files, warnings: [] });
const t1 = performance.now();
console.log(`cluster: ${NODES} nodes, ${fmt(SERVICE_PORTS)} service ports, ${fmt(endpoints)} endpoints; ${fmt(lines / NODES)} iptables-save lines per node (${fmt(lines)} in all), built in ${fmt(t1 - t0)} ms`);

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let peak = heapBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
const t2 = performance.now();
const subjects = computeFacts(model, [proxyFacts]);
const t3 = performance.now();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().heapUsed);

const missing = subjects.filter((s) => s.kind === "Service" && (s.values["proxy.nodesMissingRules"] as unknown[]).length > 0).map((s) => `${s.subject.namespace}/${s.subject.name}`);
const stale = subjects.filter((s) => s.kind === "Service" && (s.values["proxy.staleTargets"] as unknown[]).length > 0).map((s) => `${s.subject.namespace}/${s.subject.name}`);
if (missing.join() !== "team-1/svc-1" || stale.join() !== "team-2/svc-2") throw new Error(`comparison found missing=${missing.join()} stale=${stale.join()}`);
console.log(`proxy facts: ${fmt(t3 - t2)} ms (${fmt((t3 - t2) / NODES)} ms per node, ${fmt(lines / ((t3 - t2) / 1000))} lines/s)`);
global.gc?.();
const retained = process.memoryUsage().heapUsed - heapBefore;
console.log(`heap: peak +${fmt((peak - heapBefore) / 1e6)} MB during the facts (garbage included), +${fmt(retained / 1e6)} MB retained after GC${global.gc ? "" : " (run with --expose-gc)"}; the node dumps' text: ${fmt([...rendered.values()].reduce((n, t) => n + t.length, 0) / 1e6)} MB`);
