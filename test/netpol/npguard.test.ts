/**
 * np-guard/netpol-analyzer test cases (shared/realdata/netpol_truth/np-guard):
 * the analyzer's expected connectivity lists ("connlist"), reproduced from
 * the same manifests. np-guard lists, per ordered pair of workloads (and the
 * external world, 0.0.0.0-255.255.255.255), the connections allowed; pairs
 * without any are omitted, as are self-pairs.
 */
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { Namespace, NetworkPolicy, Pod } from "../../src/model/k8s.js";
import { PortSet, allowedConnections, buildPolicyIndex, type EndpointRef, type PolicyIndex, type Protocol } from "../../src/facts/netpol/index.js";
import { makeNamespace } from "./objects.js";
import { realdata, realdataFiles } from "../helpers/realdata.js";

const DIR = "netpol_truth/np-guard";
const EXTERNAL = "0.0.0.0-255.255.255.255";
/** Any address outside the cluster stands for np-guard's external range (none of these cases uses ipBlock). */
const EXTERNAL_IP = { ip: "203.0.113.50" };

type Obj = { kind?: string; metadata?: { name?: string; namespace?: string; ownerReferences?: Array<{ kind: string; name: string }> }; spec?: Record<string, unknown>; items?: Obj[] };

function objects(dir: string, files: string[]): Obj[] {
  return files.flatMap((f) => parseAllDocuments(realdata(`${DIR}/${dir}/${f}`)).map((d) => d.toJS() as Obj | null))
    .flatMap((o) => (o?.kind === "List" ? o.items ?? [] : o ? [o] : []));
}

interface Workload {
  id: string;
  ref: EndpointRef;
}

/**
 * A Deployment becomes one pod from its template. A container port without
 * `containerPort` (netpol_named_port_test writes `containerport:`) is dropped:
 * the API server would reject it, and np-guard ignores it.
 */
function podFromDeployment(d: Obj, ip: string): Pod {
  const spec = d.spec as { template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ ports?: Array<Record<string, unknown>> }> } } };
  const template = spec.template;
  const containers = template.spec.containers.map((c) => ({ ...c, ports: (c.ports ?? []).filter((p) => typeof p.containerPort === "number") }));
  return Pod.parse({
    metadata: { name: `${d.metadata!.name}-6d4cf56db6-x7x2q`, namespace: d.metadata!.namespace ?? "default", labels: template.metadata.labels },
    spec: { ...template.spec, containers },
    status: { phase: "Running", podIP: ip, podIPs: [{ ip }] },
  });
}

function load(dir: string, files = realdataFiles(`${DIR}/${dir}`).filter((f) => f.endsWith(".yaml"))): { index: PolicyIndex; workloads: Workload[] } {
  const objs = objects(dir, files);
  const pods: Pod[] = [];
  const workloads: Workload[] = [];
  for (const o of objs) {
    if (o.kind === "Deployment") {
      const pod = podFromDeployment(o, `10.244.9.${pods.length + 10}`);
      pods.push(pod);
      workloads.push({ id: `${pod.metadata.namespace}/${o.metadata!.name}[Deployment]`, ref: { namespace: pod.metadata.namespace!, name: pod.metadata.name } });
    } else if (o.kind === "Pod") {
      const pod = Pod.parse(o);
      pods.push(pod);
      const owner = pod.metadata.ownerReferences?.[0];
      workloads.push({ id: `${pod.metadata.namespace}/${owner ? `${owner.name}[${owner.kind}]` : `${pod.metadata.name}[Pod]`}`, ref: { namespace: pod.metadata.namespace!, name: pod.metadata.name } });
    }
  }
  const declared = objs.filter((o) => o.kind === "Namespace").map((o) => Namespace.parse(o));
  const names = new Set([...declared.map((n) => n.metadata.name), ...pods.map((p) => p.metadata.namespace!)]);
  // Namespaces the manifests only imply exist in the cluster all the same (with their metadata.name label).
  const namespaces = [...declared, ...[...names].filter((n) => !declared.some((d) => d.metadata.name === n)).map((n) => makeNamespace(n))];
  const policies = objs.filter((o) => o.kind === "NetworkPolicy").map((o) => NetworkPolicy.parse(o));
  return { index: buildPolicyIndex({ pods, namespaces, policies }), workloads };
}

/** np-guard's connection text: `All Connections`, `TCP 8080`, `TCP 80,443`, `UDP 53,TCP 1-10`… */
function parseConn(text: string): PortSet {
  if (text === "All Connections") return PortSet.all();
  const set = new PortSet();
  let protocol: Protocol | null = null;
  for (const item of text.split(",")) {
    const m = /^(?:(TCP|UDP|SCTP) )?(\d+)(?:-(\d+))?$/.exec(item.trim());
    if (!m) throw new Error(`unknown np-guard connection "${text}"`);
    protocol = (m[1] as Protocol | undefined) ?? protocol;
    if (!protocol) throw new Error(`no protocol in "${text}"`);
    set.add(protocol, Number(m[2]), Number(m[3] ?? m[2]));
  }
  return set;
}

function expectedConnlist(dir: string): string[] {
  return realdata(`${DIR}/${dir}/EXPECTED_connlist_output.txt`).trim().split("\n").map((line) => {
    const m = /^(\S+) => (\S+) : (.+)$/.exec(line.trim());
    if (!m) throw new Error(`bad connlist line ${line}`);
    const side = (s: string) => s.replace(`${EXTERNAL}[External]`, EXTERNAL);
    return `${side(m[1]!)} => ${side(m[2]!)} : ${parseConn(m[3]!).toString()}`;
  }).sort();
}

function ourConnlist({ index, workloads }: { index: PolicyIndex; workloads: Workload[] }): string[] {
  const parties = [...workloads, { id: EXTERNAL, ref: EXTERNAL_IP }];
  const out: string[] = [];
  for (const a of parties) {
    for (const b of parties) {
      if (a === b || (a.id === EXTERNAL && b.id === EXTERNAL)) continue;
      const conns = allowedConnections(index, a.ref, b.ref);
      if (!conns.isEmpty()) out.push(`${a.id} => ${b.id} : ${conns.toString()}`);
    }
  }
  return out.sort();
}

describe("np-guard connlist", () => {
  for (const dir of ["netpol-analysis-example-minimal", "minimal_test_in_ns", "netpol_named_port_test", "onlineboutique"]) {
    it(dir, () => {
      expect(ourConnlist(load(dir))).toEqual(expectedConnlist(dir));
    });
  }

  it("netpol_named_port_test: the named port with the wrong protocol admits nothing", () => {
    // `port: newport, protocol: UDP`, but the pod's newport is SCTP 8956: named
    // ports resolve by name AND protocol, so app-a stays unreachable.
    const { index, workloads } = load("netpol_named_port_test");
    const appA = workloads.find((w) => w.id.startsWith("helloworld/pod-a"))!;
    const appB = workloads.find((w) => w.id.startsWith("helloworld/new-pod"))!;
    expect(allowedConnections(index, appB.ref, appA.ref).isEmpty()).toBe(true);
    expect(allowedConnections(index, EXTERNAL_IP, appA.ref).isEmpty()).toBe(true);
  });
});

describe("np-guard diff: deny_all_to_from_a_deployment", () => {
  it("the changed policy adds exactly deployment2 => deployment1 (All Connections)", () => {
    const before = ourConnlist(load("deny_all_to_from_a_deployment", ["deployments.yaml", "netpols.yaml"]));
    const after = ourConnlist(load("deny_all_to_from_a_deployment", ["changed_netpol__deployments.yaml", "changed_netpol__netpols.yaml"]));
    const added = after.filter((l) => !before.includes(l));
    const removed = before.filter((l) => !after.includes(l));
    const diff = realdata(`${DIR}/deny_all_to_from_a_deployment/EXPECTED_diff_changed_netpol_vs_original.txt`);
    const m = /diff-type: added, source: (\S+), destination: (\S+), ref1: No Connections, ref2: (.+)$/m.exec(diff)!;
    expect(added).toEqual([`${m[1]} => ${m[2]} : ${parseConn(m[3]!.trim()).toString()}`]);
    expect(removed).toEqual([]);
  });
});
