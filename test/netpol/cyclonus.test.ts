/**
 * mattfenwick/cyclonus "simple-example" (shared/realdata/netpol_truth/
 * cyclonus_simple-example): the same 7 policies and probe model (namespaces
 * x/y/z × pods a/b/c, ports 80/81/82), compared cell by cell with cyclonus's
 * computed ingress, egress and combined truth tables, its traffic queries and
 * its DNS lint.
 *
 * Known, documented disagreements (docs/network-policy.md):
 *  - Loopback: cyclonus's combined table marks y/a→y/a and y/c→y/c blocked.
 *    A pod connecting to itself never leaves its network namespace, and the
 *    Kubernetes e2e suite expects loopback allowed (Reachability.AllowLoopback:
 *    "loopback logic follows no policy"). Our per-direction verdicts agree
 *    with cyclonus (the policies do deny it); only the combined verdict differs.
 *  - Port 82: no container serves it, so cyclonus gives no verdict ("N"/"?");
 *    we still evaluate the policies and add a `no-container-port` note.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NetworkPolicy } from "../../src/model/k8s.js";
import { buildPolicyIndex, canReach, podsWithoutDnsPath, type PolicyIndex, type Protocol } from "../../src/facts/netpol/index.js";
import { makeNamespace, makePod } from "./objects.js";
import { realdata, realdataFiles } from "../helpers/realdata.js";

const DIR = "netpol_truth/cyclonus_simple-example";

interface ProbeModel {
  Probes: Array<{ Protocol: string; Port: number }>;
  Resources: {
    Namespaces: Record<string, Record<string, string>>;
    Pods: Array<{ Namespace: string; Name: string; Labels: Record<string, string>; IP: string; Containers: Array<{ Name: string; Port: number; PortName: string; Protocol: string }> }>;
  };
}

const probe = JSON.parse(realdata(`${DIR}/probe.json`)) as ProbeModel;
const policies = realdataFiles(`${DIR}/policies`).map((f) => NetworkPolicy.parse(parse(realdata(`${DIR}/policies/${f}`))));

function probeCluster(extraPods = [] as ReturnType<typeof makePod>[]): PolicyIndex {
  const namespaces = Object.entries(probe.Resources.Namespaces).map(([name, labels]) => makeNamespace(name, labels));
  const pods = probe.Resources.Pods.map((p) => makePod({
    namespace: p.Namespace,
    name: p.Name,
    labels: p.Labels,
    ips: [p.IP],
    ports: p.Containers.map((c) => [c.PortName, c.Port, c.Protocol.toUpperCase() as Protocol]),
  }));
  return buildPolicyIndex({ pods: [...pods, ...extraPods], namespaces, policies });
}

type Table = Map<string, Map<string, string>>;

/** The probe output: per probe, its Ingress, Egress and Combined tables (rows = source, columns = destination). */
function parseProbeTables(text: string): Array<Record<"Ingress" | "Egress" | "Combined", Table>> {
  const tables: Array<{ kind: "Ingress" | "Egress" | "Combined"; table: Table }> = [];
  let header: string[] = [];
  for (const line of text.split("\n")) {
    const kind = /^(Ingress|Egress|Combined):$/.exec(line.trim())?.[1] as "Ingress" | "Egress" | "Combined" | undefined;
    if (kind) {
      tables.push({ kind, table: new Map() });
      header = [];
      continue;
    }
    if (!line.startsWith("|") || tables.length === 0) continue;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (header.length === 0) {
      header = cells.slice(1).map((c) => c.toLowerCase());
      continue;
    }
    tables.at(-1)!.table.set(cells[0]!, new Map(cells.slice(1).map((c, i) => [header[i]!, c])));
  }
  const groups: Array<Record<"Ingress" | "Egress" | "Combined", Table>> = [];
  for (let i = 0; i + 2 < tables.length; i += 3) {
    groups.push({ Ingress: tables[i]!.table, Egress: tables[i + 1]!.table, Combined: tables[i + 2]!.table });
  }
  return groups;
}

const groups = parseProbeTables(realdata(`${DIR}/analyze-probe.txt`));
const podNames = probe.Resources.Pods.map((p) => `${p.Namespace}/${p.Name}`);
const ref = (s: string) => ({ namespace: s.split("/")[0]!, name: s.split("/")[1]! });

describe("cyclonus probe truth tables", () => {
  const index = probeCluster();

  it("reads one table group per probe, each 9×9", () => {
    expect(groups.length).toBeGreaterThanOrEqual(probe.Probes.length);
    for (const g of groups.slice(0, probe.Probes.length)) {
      for (const t of [g.Ingress, g.Egress, g.Combined]) {
        expect([...t.keys()]).toEqual(podNames);
        for (const row of t.values()) expect([...row.keys()]).toEqual(podNames);
      }
    }
  });

  for (const [i, probeSpec] of probe.Probes.entries()) {
    const protocol = probeSpec.Protocol as Protocol;
    const served = probe.Resources.Pods.every((p) => p.Containers.some((c) => c.Port === probeSpec.Port));

    if (!served) {
      it(`${probeSpec.Port}/${protocol}: no container serves it — cyclonus gives no verdict, we flag no-container-port`, () => {
        const g = groups[i]!;
        for (const from of podNames) {
          for (const to of podNames) {
            expect(g.Ingress.get(from)!.get(to)).toBe("N");
            expect(g.Egress.get(from)!.get(to)).toBe("?");
            const v = canReach(index, ref(from), ref(to), { port: probeSpec.Port, protocol });
            if (from !== to) expect(v.notes.map((n) => n.code)).toContain("no-container-port");
          }
        }
      });
      continue;
    }

    it(`${probeSpec.Port}/${protocol}: ingress and egress verdicts match cyclonus in all 81 cells`, () => {
      const g = groups[i]!;
      const mismatches: string[] = [];
      for (const from of podNames) {
        for (const to of podNames) {
          const v = canReach(index, ref(from), ref(to), { port: probeSpec.Port, protocol });
          const want = { ingress: g.Ingress.get(from)!.get(to) === ".", egress: g.Egress.get(from)!.get(to) === "." };
          if (v.ingress.allowed !== want.ingress) mismatches.push(`ingress ${from}->${to}`);
          if (v.egress.allowed !== want.egress) mismatches.push(`egress ${from}->${to}`);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it(`${probeSpec.Port}/${protocol}: combined verdicts match except loopback cells cyclonus blocks`, () => {
      const g = groups[i]!;
      const disagreements: string[] = [];
      for (const from of podNames) {
        for (const to of podNames) {
          const v = canReach(index, ref(from), ref(to), { port: probeSpec.Port, protocol });
          if (v.allowed !== (g.Combined.get(from)!.get(to) === ".")) disagreements.push(`${from}->${to}`);
          if (from === to) expect(v.notes.map((n) => n.code)).toContain("loopback");
        }
      }
      expect(disagreements).toEqual(["y/a->y/a", "y/c->y/c"]);
    });
  }
});

describe("cyclonus traffic queries (analyze-query-traffic.txt)", () => {
  interface Party { IP?: string; Internal?: { PodLabels: Record<string, string>; NamespaceLabels: Record<string, string>; Namespace: string } }
  const traffic = JSON.parse(realdata(`${DIR}/traffic.json`)) as Array<{ Source: Party; Destination: Party; Protocol: string; ResolvedPort: number }>;

  /** Per query: the actions cyclonus lists per direction, and its final answer. */
  function parseAnswers(text: string): Array<{ Ingress: string[]; Egress: string[]; allowed: boolean }> {
    const out: Array<{ Ingress: string[]; Egress: string[]; allowed: boolean }> = [];
    let current: { Ingress: string[]; Egress: string[] } | null = null;
    let type: "Ingress" | "Egress" | null = null;
    for (const line of text.split("\n")) {
      if (line.startsWith("Is traffic allowed?")) { current = { Ingress: [], Egress: [] }; type = null; continue; }
      if (!current || !line.startsWith("|")) continue;
      const [t = "", action = ""] = line.split("|").slice(1).map((c) => c.trim());
      if (t === "IS ALLOWED?") { out.push({ ...current, allowed: action === "TRUE" }); current = null; continue; }
      if (t === "Ingress" || t === "Egress") type = t;
      else if (t === "TYPE") continue;
      if (type && action) current[type].push(action);
    }
    return out;
  }
  const answers = parseAnswers(realdata(`${DIR}/analyze-query-traffic.txt`));

  /** Each query is its own small world: the pods it names, with their IPs; other addresses are external. */
  function world(q: (typeof traffic)[number]): { index: PolicyIndex; from: { ip: string } | { namespace: string; name: string }; to: { ip: string } | { namespace: string; name: string } } {
    const pods: ReturnType<typeof makePod>[] = [];
    const namespaces = new Map<string, Record<string, string>>();
    const endpoint = (party: Party, name: string) => {
      if (!party.Internal) return { ip: party.IP! };
      namespaces.set(party.Internal.Namespace, party.Internal.NamespaceLabels);
      pods.push(makePod({ namespace: party.Internal.Namespace, name, labels: party.Internal.PodLabels, ips: party.IP ? [party.IP] : [], ports: [["serve-80-tcp", 80]] }));
      return { namespace: party.Internal.Namespace, name };
    };
    const from = endpoint(q.Source, "source");
    const to = endpoint(q.Destination, "destination");
    const index = buildPolicyIndex({ pods, namespaces: [...namespaces].map(([n, l]) => makeNamespace(n, l)), policies });
    return { index, from, to };
  }

  it("reads four answers", () => {
    expect(answers.map((a) => a.allowed)).toEqual([false, true, true, false]);
  });

  for (const [i, q] of traffic.entries()) {
    it(`query ${i + 1}: same per-direction actions and answer`, () => {
      const { index, from, to } = world(q);
      const v = canReach(index, from, to, { port: q.ResolvedPort, protocol: q.Protocol as Protocol });
      const a = answers[i]!;
      // cyclonus lists no rows for a direction policy does not govern, else Allow/Deny per target.
      expect(v.ingress.allowed).toBe(a.Ingress.length === 0 || a.Ingress.includes("Allow"));
      expect(v.egress.allowed).toBe(a.Egress.length === 0 || a.Egress.includes("Allow"));
      expect(v.ingress.governed && v.ingress.isolated).toBe(a.Ingress.length > 0);
      expect(v.egress.governed && v.egress.isolated).toBe(a.Egress.length > 0);
      expect(v.allowed).toBe(a.allowed);
    });
  }
});

describe("cyclonus lint: CheckDNSBlockedOnUDP/TCP for y/deny-all-egress", () => {
  it("finds the pods whose DNS the policy blocks: y/c (y/a and y/b are re-opened by allow-all-egress-by-label)", () => {
    const lint = realdata(`${DIR}/analyze-lint.txt`);
    expect(lint).toMatch(/CheckDNSBlockedOnTCP\s+\|\s+namespace: y\s+\|\s+y\/deny-all-egress/);
    expect(lint).toMatch(/CheckDNSBlockedOnUDP\s+\|\s+namespace: y\s+\|\s+y\/deny-all-egress/);
    // cyclonus lints per policy target (y, pod selector {}); we answer per pod.
    const coredns = makePod({ namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ips: ["192.168.1.2"], ports: [["dns", 53, "UDP"], ["dns-tcp", 53, "TCP"]] });
    const index = probeCluster([coredns]);
    const report = podsWithoutDnsPath(index, [{ namespace: "kube-system", name: coredns.metadata.name }]);
    expect(report.gaps.map((g) => ({ pods: g.pods.map((p) => `${p.namespace}/${p.name}`), missing: g.missing, by: g.egressPolicies.map((p) => p.name) }))).toEqual([
      { pods: ["y/c"], missing: [{ protocol: "UDP", blockedBy: "egress" }, { protocol: "TCP", blockedBy: "egress" }], by: ["deny-all-egress"] },
    ]);
    expect(report.checkedPods).toBe(9);
  });
});
