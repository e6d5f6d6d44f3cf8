import { describe, expect, it } from "vitest";
import { IptablesParser, findOption, optionValue, parseIptables, tokenize } from "../../src/model/parsers/iptables.js";
import { splitLines } from "../../src/model/parsers/lines.js";
import { realdata } from "../helpers/realdata.js";
import { fixture } from "./_fixture.js";

const FLANNEL = "iptables/real_iptables-save_kubeadm1.32_flannel.txt";

describe("iptables-save (real kubeadm 1.32 + flannel node)", () => {
  const dump = parseIptables(realdata(FLANNEL));

  it("reads the header: tool, version, backend, family", () => {
    expect(dump.header).toEqual({ tool: "iptables-save", version: "1.8.10", backend: "nf_tables" });
    expect(dump.family).toBe("ipv4");
    expect(dump.legacyTablesPresent).toBe(false);
  });

  it("reads every table, chain and rule, and skips nothing", () => {
    expect([...dump.tables.keys()]).toEqual(["mangle", "filter", "nat"]);
    expect(dump.ruleCount).toBe(62);
    expect(dump.skipped.count).toBe(0);
    const nat = dump.tables.get("nat")!;
    expect(nat.chains.get("KUBE-SVC-TCOU7JCQXEZGVUNU")!.rules).toHaveLength(3);
  });

  it("keeps built-in chain policies and counters; user chains have no policy", () => {
    const input = dump.tables.get("filter")!.chains.get("INPUT")!;
    expect(input.policy).toBe("ACCEPT");
    expect(input.counters).toEqual({ packets: 216396, bytes: 139009553 });
    const fwd = dump.tables.get("filter")!.chains.get("FLANNEL-FWD")!;
    expect(fwd.policy).toBeUndefined();
    expect(fwd.rules).toHaveLength(2);
  });

  it("parses negated source, destination, protocol, port, quoted comment and target", () => {
    const [masq, toFirst] = dump.tables.get("nat")!.chains.get("KUBE-SVC-ERIFXISQEP7F7OF4")!.rules;
    expect(masq!.source).toMatchObject({ name: "-s", value: "10.244.0.0/16", negated: true });
    expect(masq!.destination).toMatchObject({ value: "10.96.0.10/32", negated: false });
    expect(masq!.protocol?.value).toBe("tcp");
    expect(masq!.destinationPort?.value).toBe("53");
    expect(masq!.comments).toEqual(["kube-system/kube-dns:dns-tcp cluster IP"]);
    expect(masq!.target).toBe("KUBE-MARK-MASQ");
    expect(masq!.line).toBe(107);
    expect(toFirst!.probability).toBe(0.5);
    expect(optionValue(toFirst!, "--mode")).toBe("random");
    expect(toFirst!.target).toBe("KUBE-SEP-IT2ZTR26TO4XFPTO");
  });

  it("separates target options from matches", () => {
    const dnat = dump.tables.get("nat")!.chains.get("KUBE-SEP-Z256WNARC5DJQIZM")!.rules[1]!;
    expect(dnat.target).toBe("DNAT");
    expect(optionValue(dnat, "--to-destination", "target")).toBe("172.31.7.91:6443");
    expect(findOption(dnat, "--to-destination")).toBeUndefined();
    const post = dump.tables.get("nat")!.chains.get("KUBE-POSTROUTING")!.rules[2]!;
    expect(post.target).toBe("MASQUERADE");
    expect(post.targetOptions.map((o) => o.name)).toEqual(["--random-fully"]);
  });

  it("reads a negated match written after its module (`-m conntrack ! --ctstate`)", () => {
    const fw = dump.tables.get("filter")!.chains.get("KUBE-FIREWALL")!.rules[0]!;
    expect(findOption(fw, "--ctstate")).toEqual({ name: "--ctstate", value: "RELATED,ESTABLISHED,DNAT", args: ["RELATED,ESTABLISHED,DNAT"], negated: true });
    expect(fw.source).toMatchObject({ value: "127.0.0.0/8", negated: true });
    expect(fw.target).toBe("DROP");
  });
});

describe("iptables-save variants", () => {
  it("reads `-c` packet/byte counters in front of rules (kubernetes/kubeadm#1461)", () => {
    // Lines copied from the `iptables-save -c` pasted in github.com/kubernetes/kubeadm/issues/1461.
    const text = [
      "*nat",
      '[10699:643456] -A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT',
      '[11101:667576] -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      "[581:34860] -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
      "[399:23940] -A DOCKER ! -i docker0 -p tcp -m tcp --dport 6444 -j DNAT --to-destination 172.17.0.2:6444",
      "[0:0] -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
      "COMMIT",
    ].join("\n");
    const dump = parseIptables(text);
    const output = dump.tables.get("nat")!.chains.get("OUTPUT")!.rules;
    expect(output.map((r) => r.counters)).toEqual([
      { packets: 10699, bytes: 643456 },
      { packets: 11101, bytes: 667576 },
      { packets: 581, bytes: 34860 },
    ]);
    expect(output[2]!.destination).toMatchObject({ value: "127.0.0.0/8", negated: true });
    const docker = dump.tables.get("nat")!.chains.get("DOCKER")!.rules[0]!;
    expect(docker.inInterface).toMatchObject({ value: "docker0", negated: true });
    expect(optionValue(docker, "--to-destination", "target")).toBe("172.17.0.2:6444");
    expect(dump.skipped.count).toBe(0);
  });

  it("recognises ip6tables-save by its header", () => {
    // From an `ip6tables-save` pasted in a server hardening write-up (index id 2930986485).
    const dump = parseIptables(
      [
        "# Generated by ip6tables-save v1.6.1 on Tue Aug 29 17:14:22 2017",
        "*filter",
        ":INPUT DROP [0:0]",
        ":FORWARD DROP [0:0]",
        ":OUTPUT ACCEPT [0:0]",
        ":TCP - [0:0]",
        ":UDP - [0:0]",
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A INPUT -i lo -j ACCEPT",
        "-A INPUT -m conntrack --ctstate INVALID -j DROP",
      ].join("\n"),
    );
    expect(dump.family).toBe("ipv6");
    expect(dump.header).toEqual({ tool: "ip6tables-save", version: "1.6.1" });
    expect(dump.tables.get("filter")!.chains.get("INPUT")!.policy).toBe("DROP");
    expect(dump.ruleCount).toBe(3);
  });

  it("flags iptables-nft's warning that legacy tables also hold rules", () => {
    // The warning text iptables-nft prints above its dump when legacy tables exist.
    const dump = parseIptables(
      [
        "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them",
        "# Generated by iptables-save v1.8.10 (nf_tables) on Sat Jan 24 14:00:18 2026",
        "*filter",
        ":INPUT ACCEPT [0:0]",
        "COMMIT",
      ].join("\n"),
    );
    expect(dump.legacyTablesPresent).toBe(true);
    expect(dump.header?.backend).toBe("nf_tables");
  });

  it("reads a kube-proxy IPVS-mode nat table with Calico chains (real iptables-save -t nat)", () => {
    const dump = parseIptables(fixture("iptables-save_nat_ipvs-mode_calico.txt"));
    expect(dump.skipped.count).toBe(0);
    const nat = dump.tables.get("nat")!;
    const masq = nat.chains.get("KUBE-SERVICES")!.rules[0]!;
    expect(findOption(masq, "--match-set")).toEqual({ name: "--match-set", value: "KUBE-CLUSTER-IP dst,dst", args: ["KUBE-CLUSTER-IP", "dst,dst"], negated: false });
    const outgoing = nat.chains.get("cali-nat-outgoing")!.rules[0]!;
    const sets = outgoing.matches.filter((o) => o.name === "--match-set");
    expect(sets.map((s) => [s.args[0], s.negated])).toEqual([
      ["cali40masq-ipam-pools", false],
      ["cali40all-ipam-pools", true],
    ]);
    // A flag option (no value) in the middle of a rule.
    const post = nat.chains.get("cali-POSTROUTING")!.rules[2]!;
    expect(findOption(post, "--limit-iface-out")).toEqual({ name: "--limit-iface-out", value: "", args: [], negated: false });
    expect(post.outInterface?.value).toBe("vxlan.calico");
  });
});

describe("iptables -S / --list-rules (real k8s 1.6 node, kubernetes#43969)", () => {
  const dump = parseIptables(realdata("iptables/real_iptables_list-rules_k8s1.6_kubernetes-43969.txt"));

  it("puts rules in the default filter table and reads -P/-N", () => {
    const filter = dump.tables.get("filter")!;
    expect(filter.chains.get("FORWARD")!.policy).toBe("ACCEPT");
    expect(filter.chains.get("KUBE-METADATA-SERVER")!.rules[0]!.target).toBe("DROP");
    expect(filter.chains.get("DOCKER-ISOLATION")!.rules).toHaveLength(1);
    expect(dump.ruleCount).toBe(14);
  });

  it("counts the shell prompt line it cannot read instead of failing", () => {
    expect(dump.skipped.count).toBe(1);
    expect(dump.skipped.samples[0]).toEqual({ line: 2, text: "> iptables -t filter --list-rules" });
  });

  it("keeps REJECT's options", () => {
    const reject = dump.tables.get("filter")!.chains.get("KUBE-SERVICES")!.rules[0]!;
    expect(reject.comments).toEqual(["ingress/kube-lego-nginx: has no endpoints"]);
    expect(optionValue(reject, "--reject-with", "target")).toBe("icmp-port-unreachable");
  });

  it("honours another default table (`iptables -t nat -S`)", () => {
    const nat = parseIptables("-P PREROUTING ACCEPT\n-N KUBE-SERVICES\n-A PREROUTING -j KUBE-SERVICES\n", { defaultTable: "nat" });
    expect(nat.tables.get("nat")!.chains.get("PREROUTING")!.rules[0]!.target).toBe("KUBE-SERVICES");
  });
});

describe("robustness", () => {
  it("accepts unquoted multi-word comments in hand-made dumps (kube-proxy's TestTracePacket)", () => {
    const dump = parseIptables(realdata("iptables/kubeproxy_iptables_TestTracePacket_with_flows.txt"));
    const input = dump.tables.get("filter")!.chains.get("INPUT")!.rules;
    expect(input[0]!.comments).toEqual(["kubernetes health check service ports"]);
    expect(input[0]!.target).toBe("KUBE-NODEPORTS");
    expect(input[1]!.comments).toEqual(["kubernetes externally-visible service portals"]);
    expect(dump.skipped.count).toBe(0);
  });

  it("never throws on garbage, counts what it skipped and keeps reading", () => {
    const text = [
      "\u0000\u0001binary junk",
      "*filter",
      ":BROKEN",
      ":",
      "[abc] -A INPUT -j ACCEPT",
      "-A",
      '-A INPUT -m comment --comment "unterminated',
      "-X OLD-CHAIN",
      "-A INPUT -s 10.0.0.0/8 -j ACCEPT",
      "COMMIT",
    ].join("\n");
    const dump = parseIptables(text);
    expect(dump.skipped.count).toBe(5);
    const rules = dump.tables.get("filter")!.chains.get("INPUT")!.rules;
    expect(rules.map((r) => r.target)).toEqual([undefined, "ACCEPT"]);
    expect(rules[0]!.comments).toEqual(["unterminated"]);
  });

  it("treats option words that collide with object properties as plain options", () => {
    const dump = parseIptables("-A X --constructor 1 -m __proto__ --toString -j ACCEPT\n-constructor X\n");
    const rule = dump.tables.get("filter")!.chains.get("X")!.rules[0]!;
    expect(rule.matches.map((m) => [m.name, m.value])).toEqual([["--constructor", "1"], ["-m", "__proto__"], ["--toString", ""]]);
    expect(rule.target).toBe("ACCEPT");
    expect(dump.skipped.count).toBe(1);
  });

  it("handles CRLF line endings and unescapes quoted comments", () => {
    const dump = parseIptables('*filter\r\n-A INPUT -m comment --comment "say \\"hi\\"" -j ACCEPT\r\nCOMMIT\r\n');
    expect(dump.tables.get("filter")!.chains.get("INPUT")!.rules[0]!.comments).toEqual(['say "hi"']);
    expect(dump.skipped.count).toBe(0);
  });

  it("gives the same result streamed line by line as from the whole text", () => {
    const text = realdata(FLANNEL);
    const parser = new IptablesParser();
    for (const line of splitLines(text)) parser.push(line);
    const streamed = parser.finish();
    expect(streamed).toEqual(parseIptables(text));
    expect(parseIptables(text.trimEnd().split("\n"))).toEqual(streamed);
  });

  it("tokenizes quoted words as single, never-option words", () => {
    expect(tokenize('-A X -m comment --comment "-j DROP" -j ACCEPT')).toEqual({
      words: ["-A", "X", "-m", "comment", "--comment", "-j DROP", "-j", "ACCEPT"],
      quoted: [false, false, false, false, false, true, false, false],
    });
    const rule = parseIptables('-A X -m comment --comment "-j DROP" -j ACCEPT').tables.get("filter")!.chains.get("X")!.rules[0]!;
    expect(rule.target).toBe("ACCEPT");
    expect(rule.comments).toEqual(["-j DROP"]);
  });
});

describe("keepRules: reading only the chains a consumer needs", () => {
  it("rules of other chains are counted, not parsed; their chains stay declared", () => {
    const text = realdata("iptables/real_iptables-save_kubeadm1.32_flannel.txt");
    const all = parseIptables(text);
    const nat = parseIptables(text, { keepRules: (table) => table === "nat" });
    expect(nat.tables.get("nat")!.chains.get("KUBE-SERVICES")!.rules).toEqual(all.tables.get("nat")!.chains.get("KUBE-SERVICES")!.rules);
    expect(nat.tables.get("filter")!.chains.get("FLANNEL-FWD")!.rules).toEqual([]);
    expect([...nat.tables.get("filter")!.chains.keys()]).toEqual([...all.tables.get("filter")!.chains.keys()]);
    expect(nat.ruleCount + nat.filteredRules).toBe(all.ruleCount);
    // The dump's mangle table has no rules: everything left out is the filter table's.
    expect(nat.filteredRules).toBe([...all.tables.get("filter")!.chains.values()].reduce((n, c) => n + c.rules.length, 0));
  });
});
