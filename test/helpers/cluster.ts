/**
 * Small snapshots for fact tests: objects in the shape `kubectl get -o json`
 * prints, only the fields that matter to the test spelled out, plus node files.
 */
import { buildModel } from "../../src/model/build.js";
import type { ClusterModel } from "../../src/model/model.js";

type Obj = Record<string, unknown>;

export function node(name: string, ip: string, extra: { podCIDR?: string; labels?: Record<string, string>; taints?: Obj[]; ready?: boolean } = {}): Obj {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", ...(extra.labels ?? {}) } },
    spec: { ...(extra.podCIDR ? { podCIDR: extra.podCIDR, podCIDRs: [extra.podCIDR] } : {}), ...(extra.taints ? { taints: extra.taints } : {}) },
    status: {
      addresses: [{ type: "InternalIP", address: ip }, { type: "Hostname", address: name }],
      conditions: [{ type: "Ready", status: extra.ready === false ? "Unknown" : "True", reason: extra.ready === false ? "NodeStatusUnknown" : "KubeletReady" }],
    },
  };
}

export interface PortSpec {
  name?: string;
  port: number;
  targetPort?: number;
  protocol?: string;
}

export function service(ns: string, name: string, clusterIP: string, ports: PortSpec[], extra: { labels?: Record<string, string>; type?: string; internalTrafficPolicy?: string } = {}): Obj {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      clusterIP,
      clusterIPs: [clusterIP],
      ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? "TCP", targetPort: p.targetPort ?? p.port })),
      selector: { app: name },
      type: extra.type ?? "ClusterIP",
      ...(extra.internalTrafficPolicy ? { internalTrafficPolicy: extra.internalTrafficPolicy } : {}),
    },
    status: { loadBalancer: {} },
  };
}

export interface EndpointSpec {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function slice(ns: string, svc: string, ports: PortSpec[], endpoints: EndpointSpec[], addressType = "IPv4"): Obj {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    addressType,
    metadata: { name: `${svc}-${addressType.toLowerCase()}`, namespace: ns, labels: { "kubernetes.io/service-name": svc, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } },
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
      ...(e.node ? { nodeName: e.node } : {}),
    })),
    ports: ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), port: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP" })),
  };
}

export function pod(ns: string, name: string, nodeName: string, extra: { ip?: string; labels?: Record<string, string>; containers?: Obj[]; ready?: boolean; hostNetwork?: boolean; owner?: { kind: string; name: string }; statuses?: Obj[]; phase?: string } = {}): Obj {
  const ready = extra.ready ?? true;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: extra.labels ?? {}, ...(extra.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: extra.owner.kind, name: extra.owner.name, controller: true }] } : {}) },
    spec: { nodeName, containers: extra.containers ?? [{ name: "app", image: "registry.example/app:1" }], ...(extra.hostNetwork ? { hostNetwork: true } : {}) },
    status: {
      phase: extra.phase ?? "Running",
      ...(extra.ip ? { podIP: extra.ip, podIPs: [{ ip: extra.ip }] } : {}),
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      ...(extra.statuses ? { containerStatuses: extra.statuses } : {}),
    },
  };
}

export function daemonSet(ns: string, name: string, labels: Record<string, string>, containers: Obj[], podSpec: Obj = {}): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: ns, labels },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers, ...podSpec } } },
    status: {},
  };
}

export function configMap(ns: string, name: string, data: Record<string, string>): Obj {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns }, data };
}

export function list(items: Obj[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

export interface ClusterSpec {
  nodes?: Obj[];
  pods?: Obj[];
  services?: Obj[];
  endpointslices?: Obj[];
  daemonsets?: Obj[];
  configmaps?: Obj[];
  events?: Obj[];
  /** Other snapshot files: `nodes/<node>/<file>`, logs… */
  files?: Record<string, string>;
}

export function cluster(spec: ClusterSpec): ClusterModel {
  const files = new Map<string, Buffer>();
  for (const key of ["nodes", "pods", "services", "endpointslices", "daemonsets", "configmaps", "events"] as const) {
    const items = spec[key];
    if (items) files.set(`resources/${key}.json`, Buffer.from(list(items)));
  }
  for (const [path, text] of Object.entries(spec.files ?? {})) files.set(path, Buffer.from(text));
  return buildModel({ source: "test", files, warnings: [] });
}
