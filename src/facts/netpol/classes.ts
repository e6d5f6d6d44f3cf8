/**
 * Pod equivalence classes. Two pods behave identically under every
 * NetworkPolicy question when they share
 *  - namespace and labels (what selectors see),
 *  - named container ports (what named policy ports and Service targetPorts
 *    resolve to), and
 *  - host networking (host-network pods are outside policy in most CNIs).
 * Only their IPs differ, which matters for `ipBlock` peers alone; those are
 * handled per pod. Whole-cluster questions are answered per class, so their
 * cost grows with classes × rules rather than pods² × policies.
 */
import type { Pod } from "../../model/k8s.js";
import type { Labels } from "../../model/selectors.js";
import { type ContainerPortInfo, podContainerPorts } from "./ports.js";
import { type IpAddress, parseIp } from "../../model/cidr.js";

/** A fixed-size bitset over class ids. */
export class ClassSet {
  readonly words: Uint32Array;

  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  static of(size: number, ids: Iterable<number>): ClassSet {
    const s = new ClassSet(size);
    for (const id of ids) s.add(id);
    return s;
  }

  add(id: number): void {
    this.words[id >>> 5]! |= 1 << (id & 31);
  }

  remove(id: number): void {
    this.words[id >>> 5]! &= ~(1 << (id & 31));
  }

  has(id: number): boolean {
    return (this.words[id >>> 5]! & (1 << (id & 31))) !== 0;
  }

  orWith(other: ClassSet): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i]! |= o[i]!;
    return this;
  }

  /** Whether this ∩ other holds a class other than `except` (`except` itself counts when `exceptCounts`). */
  intersectsBeyond(other: ClassSet, except: number, exceptCounts: boolean): boolean {
    const w = this.words;
    const o = other.words;
    const exceptWord = except >>> 5;
    const exceptMask = exceptCounts ? ~0 : ~(1 << (except & 31));
    for (let i = 0; i < w.length; i++) {
      const both = w[i]! & o[i]!;
      if ((i === exceptWord ? both & exceptMask : both) !== 0) return true;
    }
    return false;
  }

  clone(): ClassSet {
    const s = new ClassSet(this.size);
    s.words.set(this.words);
    return s;
  }

  and(other: ClassSet): ClassSet {
    const s = this.clone();
    for (let i = 0; i < s.words.length; i++) s.words[i]! &= other.words[i]!;
    return s;
  }

  *ids(): Generator<number> {
    for (let i = 0; i < this.words.length; i++) {
      let w = this.words[i]!;
      while (w !== 0) {
        const bit = 31 - Math.clz32(w & -w);
        yield (i << 5) + bit;
        w &= w - 1;
      }
    }
  }
}

export interface IndexedPod {
  /** Position in `PolicyIndex.pods`. */
  index: number;
  pod: Pod;
  namespace: string;
  name: string;
  classId: number;
  /** status.podIPs (or podIP), parsed; for host-network pods these are node addresses. */
  ips: IpAddress[];
  hostNetwork: boolean;
  nodeName?: string;
  /** Every declared container port, named or not. */
  ports: ContainerPortInfo[];
}

export interface PodClass {
  id: number;
  namespace: string;
  labels: Labels;
  hostNetwork: boolean;
  /** Named container ports (identical for every pod of the class). */
  namedPorts: ContainerPortInfo[];
  /** Indexes into `PolicyIndex.pods`. */
  pods: number[];
  /** Ids of policies that select this class and list Ingress (resp. Egress) in their effective policyTypes. */
  ingressPolicies: number[];
  egressPolicies: number[];
}

function podIps(pod: Pod): IpAddress[] {
  const texts = pod.status.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : pod.status.podIP ? [pod.status.podIP] : [];
  return texts.map(parseIp).filter((ip): ip is IpAddress => ip !== null);
}

/**
 * Named ports only: unnamed container ports never change a policy verdict
 * (numeric policy ports match the connection's port, not the pod's declaration).
 */
function classKey(namespace: string, labels: Labels, ports: ContainerPortInfo[], hostNetwork: boolean): string {
  const labelPart = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join("\u0001");
  const portPart = ports
    .filter((p) => p.name)
    .map((p) => `${p.name}/${p.protocol}/${p.port}`)
    .sort()
    .join(",");
  return `${namespace}\u0000${labelPart}\u0000${portPart}\u0000${hostNetwork ? 1 : 0}`;
}

/** Phases in which a pod holds no network sandbox: it can neither send nor receive. */
const TERMINAL_PHASES = new Set(["Succeeded", "Failed"]);

function isTerminated(pod: Pod): boolean {
  return TERMINAL_PHASES.has(pod.status.phase ?? "");
}

/** Groups the (non-terminated) pods into classes; pod indexes follow input order. */
export function buildClasses(pods: readonly Pod[]): { pods: IndexedPod[]; classes: PodClass[] } {
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  const indexed: IndexedPod[] = [];
  for (const pod of pods) {
    if (isTerminated(pod)) continue;
    const namespace = pod.metadata.namespace ?? "default";
    const labels = pod.metadata.labels ?? {};
    const hostNetwork = pod.spec.hostNetwork === true;
    const ports = podContainerPorts(pod);
    const key = classKey(namespace, labels, ports, hostNetwork);
    let cls = byKey.get(key);
    if (!cls) {
      const namedPorts = ports.filter((p) => p.name);
      cls = { id: classes.length, namespace, labels, hostNetwork, namedPorts, pods: [], ingressPolicies: [], egressPolicies: [] };
      byKey.set(key, cls);
      classes.push(cls);
    }
    const entry: IndexedPod = {
      index: indexed.length,
      pod,
      namespace,
      name: pod.metadata.name,
      classId: cls.id,
      ips: podIps(pod),
      hostNetwork,
      ports,
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    };
    cls.pods.push(entry.index);
    indexed.push(entry);
  }
  return { pods: indexed, classes };
}
