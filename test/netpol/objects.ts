/**
 * Builders for realistic Kubernetes objects (the shape `kubectl get -o json`
 * prints), validated through the project's zod schemas, plus the small
 * parsers the truth tables use to name endpoints and ports.
 */
import { createHash } from "node:crypto";
import { Namespace, NetworkPolicy, Pod, Service } from "../../src/model/k8s.js";
import type { EndpointRef, PolicyIndex, PortQuery, Protocol } from "../../src/facts/netpol/index.js";
import { parsePortSpec } from "../../src/facts/netpol/index.js";

const CREATED = "2024-05-02T09:14:07Z";

function hash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function uid(text: string): string {
  const h = hash(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function makeNamespace(name: string, labels: Record<string, string> = {}): Namespace {
  return Namespace.parse({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, uid: uid(`ns/${name}`), creationTimestamp: CREATED, labels: { "kubernetes.io/metadata.name": name, ...labels } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  });
}

export interface PodOptions {
  namespace: string;
  labels: Record<string, string>;
  /** Defaults to `<app>-<hash>-<suffix>` like a Deployment's pod. */
  name?: string;
  /** One IP, or several for dual-stack. Host-network pods get their node's IP. */
  ips?: string[];
  /** [name, containerPort, protocol] — name may be undefined. */
  ports?: Array<[string | undefined, number, Protocol?]>;
  /** Ports of a native sidecar (init container with restartPolicy Always). */
  sidecarPorts?: Array<[string | undefined, number, Protocol?]>;
  hostNetwork?: boolean;
  node?: string;
  hostIP?: string;
  phase?: string;
}

function containerPorts(ports: PodOptions["ports"]): object[] {
  return (ports ?? []).map(([name, containerPort, protocol]) => ({ ...(name ? { name } : {}), containerPort, protocol: protocol ?? "TCP" }));
}

export function makePod(o: PodOptions): Pod {
  const app = o.labels.app ?? o.labels["k8s-app"] ?? o.labels["app.kubernetes.io/name"] ?? "pod";
  const rs = hash(`${o.namespace}/${app}`, 10);
  const name = o.name ?? `${app}-${rs}-${hash(JSON.stringify(o), 5)}`;
  const node = o.node ?? "node-a";
  const hostIP = o.hostIP ?? (node === "node-b" ? "192.168.0.12" : "192.168.0.11");
  const ips = o.hostNetwork ? [hostIP] : o.ips ?? [];
  const phase = o.phase ?? "Running";
  return Pod.parse({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: o.namespace,
      uid: uid(`pod/${o.namespace}/${name}`),
      creationTimestamp: CREATED,
      generateName: `${app}-${rs}-`,
      labels: { ...o.labels },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${app}-${rs}`, uid: uid(`rs/${o.namespace}/${app}`), controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [{ name: app, image: `registry.example.com/${app}:1.4.2`, imagePullPolicy: "IfNotPresent", ports: containerPorts(o.ports) }],
      ...(o.sidecarPorts ? { initContainers: [{ name: "proxy", image: "registry.example.com/proxy:2.0", restartPolicy: "Always", ports: containerPorts(o.sidecarPorts) }] } : {}),
      nodeName: node,
      dnsPolicy: o.hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst",
      restartPolicy: "Always",
      serviceAccountName: "default",
      terminationGracePeriodSeconds: 30,
      ...(o.hostNetwork ? { hostNetwork: true } : {}),
    },
    status: {
      phase,
      hostIP,
      ...(ips.length && phase === "Running" ? { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } : {}),
      conditions: [{ type: "Ready", status: phase === "Running" ? "True" : "False", lastTransitionTime: CREATED }],
    },
  });
}

export function makePolicy(namespace: string, name: string, spec: Record<string, unknown>): NetworkPolicy {
  return NetworkPolicy.parse({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, uid: uid(`netpol/${namespace}/${name}`), creationTimestamp: CREATED, generation: 1 },
    spec,
  });
}

export function makeService(
  namespace: string,
  name: string,
  selector: Record<string, string> | null,
  ports: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: Protocol }>,
  clusterIP = `10.96.${parseInt(hash(name, 2), 16)}.${parseInt(hash(namespace, 2), 16)}`,
): Service {
  return Service.parse({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, uid: uid(`svc/${namespace}/${name}`), creationTimestamp: CREATED },
    spec: {
      type: "ClusterIP",
      ...(selector ? { selector } : {}),
      clusterIP,
      clusterIPs: [clusterIP],
      ipFamilies: ["IPv4"],
      ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? "TCP", port: p.port, targetPort: p.targetPort ?? p.port })),
      sessionAffinity: "None",
    },
    status: { loadBalancer: {} },
  });
}

/**
 * `ns/app=web,tier=db` (the one pod with those labels), `ns/pod-name`, or an IP.
 */
export function endpoint(index: PolicyIndex, text: string): EndpointRef {
  const slash = text.indexOf("/");
  if (slash < 0) return { ip: text };
  const namespace = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  if (!rest.includes("=")) return { namespace, name: rest };
  const wanted = Object.fromEntries(rest.split(",").map((kv) => kv.split("=") as [string, string]));
  const matches = index.pods.filter((p) => p.namespace === namespace && Object.entries(wanted).every(([k, v]) => index.classes[p.classId]!.labels[k] === v));
  if (matches.length !== 1) throw new Error(`${text} names ${matches.length} pods`);
  return { namespace, name: matches[0]!.name };
}

export function port(text: string): PortQuery {
  const spec = parsePortSpec(text);
  if (!spec) throw new Error(`bad port ${text}`);
  return spec;
}
