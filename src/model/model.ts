/**
 * The typed, indexed cluster model every fact builder reads. Built once from
 * the raw snapshot files by build.ts; immutable afterwards.
 */
import type { CompactText } from "../snapshot/types.js";
import type { Evidence, ObjectRef } from "../types/evidence.js";
import type {
  ConfigMap, EndpointSlice, Endpoints, Event, GenericObject, Ingress, IngressClass, Namespace, NetworkPolicy, Node, Pod, Service, Workload,
} from "./k8s.js";

export interface Manifest {
  format?: string;
  collectedAt?: string;
  collector?: { name?: string; version?: string };
  cluster?: { context?: string; serverVersion?: string };
  /** `nodeData: "skip"` when the collector ran with --no-node-data. */
  scope?: { namespaces?: unknown; nodeData?: string };
  redactions?: string[];
  /** Steps that failed (e.g. `resources/networkpolicies.json`: Forbidden). */
  errors?: { step: string; message: string }[];
  /** Things the collector found nothing to collect for, and why. */
  unavailable?: { step: string; reason: string }[];
  /**
   * What API discovery said, by resource name as `kubectl api-resources -o name`
   * prints it (`httproutes.gateway.networking.k8s.io`): the resources the
   * collector looked up, and those the cluster serves. Absent from hand-made
   * and older snapshots.
   */
  apis?: { checked: string[]; served: string[] };
}

export interface LogFile {
  path: string;
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  lines: string[];
}

export interface SecretEntry {
  namespace: string;
  name: string;
  type: string;
}

/** A pod's top-level controller (Deployment via its ReplicaSet, StatefulSet, DaemonSet, Job…) or the pod itself. */
export interface WorkloadGroup {
  ref: ObjectRef & { kind: string; namespace: string };
  /** The controller object when the snapshot has it (deployments.json, daemonsets.json…). */
  object?: Workload;
  pods: Pod[];
}

export interface Resources {
  nodes: Node[];
  namespaces: Namespace[];
  pods: Pod[];
  services: Service[];
  endpoints: Endpoints[];
  endpointslices: EndpointSlice[];
  networkpolicies: NetworkPolicy[];
  ingresses: Ingress[];
  ingressclasses: IngressClass[];
  events: Event[];
  daemonsets: Workload[];
  deployments: Workload[];
  statefulsets: Workload[];
  configmaps: ConfigMap[];
  gateways: GenericObject[];
  httproutes: GenericObject[];
  gatewayclasses: GenericObject[];
  referencegrants: GenericObject[];
  peerauthentications: GenericObject[];
  virtualservices: GenericObject[];
  destinationrules: GenericObject[];
  ciliumnetworkpolicies: GenericObject[];
  globalnetworkpolicies: GenericObject[];
}

export type ResourceName = keyof Resources;

export interface ClusterModel {
  source: string;
  manifest: Manifest | undefined;
  resources: Resources;
  logs: LogFile[];
  secrets: SecretEntry[] | undefined;
  /** nodes/<node>/<file> → text, decoded each time it is asked for (100 nodes' dumps are never all text at once). */
  nodeFiles: Map<string, ReadonlyMap<string, string>>;
  /** A node file the reader kept compacted (a large iptables dump), for readers that use that form directly. */
  compactNodeFile(node: string, file: string): CompactText | undefined;
  /** probes/<name>.txt → text. */
  probes: Map<string, string>;
  warnings: string[];

  /** True when a snapshot path or glob (`*` = one path segment) is present. */
  has(pattern: string): boolean;
  /** The collector's reason a file is missing (manifest errors, unavailable steps, --no-node-data), if it gave one. */
  missingReason(pattern: string): string | undefined;

  /** Evidence pointing at an object (`resources/pods.json` + `items[3]` + subpath). */
  evidence(obj: object, subpath?: string, excerpt?: string): Evidence;

  podsInNamespace(ns: string): readonly Pod[];
  podsOnNode(node: string): readonly Pod[];
  podByIP(ip: string): Pod | undefined;
  service(ns: string, name: string): Service | undefined;
  endpointsFor(ns: string, name: string): Endpoints | undefined;
  slicesFor(ns: string, name: string): readonly EndpointSlice[];
  eventsFor(kind: string, ns: string | undefined, name: string): readonly Event[];
  namespace(name: string): Namespace | undefined;
  node(name: string): Node | undefined;
  configMap(ns: string, name: string): ConfigMap | undefined;
  workloadOf(pod: Pod): WorkloadGroup;
  workloads(): readonly WorkloadGroup[];
  logsOf(ns: string, podPrefix?: string): readonly LogFile[];
  /** Memoise a derived structure (parsed iptables, policy index…) so it is computed once per diagnosis. */
  memo<T>(key: string, compute: () => T): T;
}
