import { describe, expect, it } from "vitest";
import {
  analyzeCorefile,
  blockServing,
  goDurationSeconds,
  parseServerKey,
  resolvesClusterDomain,
  reverseZonesForCidr,
  servesZone,
  type CorefileAnalysis,
} from "../../src/model/parsers/corefile.js";
import { readFixture, readShared } from "./helpers.js";

const errors = (a: CorefileAnalysis) => a.issues.filter((i) => i.severity === "error");
/** 1-based line of the first line whose trimmed text starts with `prefix`. */
const lineOf = (text: string, prefix: string) => text.split("\n").findIndex((l) => l.trim().startsWith(prefix)) + 1;

/*
 * Healthy default Corefiles. Sources (exact text, YAML block indentation removed):
 * - realdata/coredns/*: see shared/realdata/PROVENANCE.md (kubeadm, k3s, minikube).
 * - aks_default: `kubectl get cm -n kube-system coredns -oyaml` on AKS (2023-09-08),
 *   github.com/VijayRod/demo container-storage/logs/dns-k8s-coredns_cm.md.
 * - eks_default: `kubectl get configmap coredns -n kube-system -o yaml` on EKS
 *   (labels eks.amazonaws.com/component: coredns), a user's notes, search index id 67258462783.
 * - rke2_user_dump: `kubectl get cm rke2-coredns-rke2-coredns -n kube-system -o jsonpath='{.data.Corefile}'`
 *   (rke2-coredns chart; the user added example-domain.com), search index id 17936062241.
 * - openshift_dns_default: openshift/cluster-dns-operator @ 2d77b099cd22
 *   pkg/operator/controller/testdata/default_corefile_ocp_dnsnameresolver (operator test expectation).
 * - k3s_user_dump_with_imports: `kubectl -n kube-system get configmap coredns -oyaml` in
 *   k3s-io/k3s#8159 (the user's `###### Removed this ######` comment kept), same text as
 *   k3s-io/k3s manifests/coredns.yaml @ 66c487bd with CLUSTER_DOMAIN = cluster.local.
 */
const HEALTHY: Record<string, () => string> = {
  "kubeadm default (realdata)": () => readShared("realdata/coredns/Corefile.kubeadm_default"),
  "k3s default (realdata)": () => readShared("realdata/coredns/Corefile.k3s_default"),
  "minikube user dump (realdata)": () => readShared("realdata/coredns/Corefile.minikube_user_dump"),
  "AKS default": () => readFixture("corefiles/aks_default.Corefile"),
  "EKS default": () => readFixture("corefiles/eks_default.Corefile"),
  "RKE2 user dump": () => readFixture("corefiles/rke2_user_dump.Corefile"),
  "OpenShift DNS operator": () => readFixture("corefiles/openshift_dns_default.Corefile"),
  "k3s with imports": () => readFixture("corefiles/k3s_user_dump_with_imports.Corefile"),
};

describe("healthy managed-cluster Corefiles", () => {
  for (const [name, read] of Object.entries(HEALTHY)) {
    it(`${name}: parses with no issue and resolves cluster.local through kubernetes`, () => {
      const a = analyzeCorefile(read());
      expect(a.issues).toEqual([]);
      expect(a.valid).toBe(true);
      expect(a.kubernetesPlugin?.zones).toContain("cluster.local.");
      expect(resolvesClusterDomain(a, "cluster.local")).toMatchObject({ resolves: true, kubernetesZone: "cluster.local." });
      expect(a.forward.length).toBeGreaterThan(0);
      expect(a.errorsPlugin).toBeDefined();
    });
  }
});

describe("kubeadm default (realdata)", () => {
  const text = readShared("realdata/coredns/Corefile.kubeadm_default");
  const a = analyzeCorefile(text);

  it("describes the server block and every stock plugin with its line", () => {
    expect(a.blocks).toHaveLength(1);
    expect(a.blocks[0]!.keys).toEqual([{ raw: ".:53", transport: "dns", zone: ".", port: 53, hasPlaceholder: false }]);
    expect(a.blocks[0]!.plugins.map((p) => p.name)).toEqual([
      "errors", "health", "ready", "kubernetes", "prometheus", "forward", "cache", "loop", "reload", "loadbalance",
    ]);
    expect(a.mainBlockIndex).toBe(0);
  });

  it("summarises kubernetes, forward, cache and health", () => {
    expect(a.kubernetesPlugin).toMatchObject({
      zones: ["cluster.local.", "in-addr.arpa.", "ip6.arpa."],
      pods: "insecure",
      fallthrough: ["in-addr.arpa.", "ip6.arpa."],
      ttl: 30,
      line: lineOf(text, "kubernetes"),
    });
    expect(a.forward).toEqual([
      expect.objectContaining({
        plugin: "forward",
        from: ".",
        to: [{ raw: "/etc/resolv.conf", kind: "resolv-conf", transport: "dns", path: "/etc/resolv.conf", loopback: false }],
        maxConcurrent: 1000,
        forceTcp: false,
        line: lineOf(text, "forward"),
      }),
    ]);
    expect(a.cache).toMatchObject({ ttl: 30, line: lineOf(text, "cache 30"), options: { disable: ["denial", "cluster.local"] } });
    expect(a.health).toMatchObject({ lameduck: "5s", lameduckSeconds: 5, line: lineOf(text, "health") });
    expect(a.loop?.line).toBe(lineOf(text, "loop"));
    expect(a.ready?.line).toBe(lineOf(text, "ready"));
    expect(a.reload?.line).toBe(lineOf(text, "reload"));
    expect(a.log).toBeUndefined();
  });
});

describe("distribution specifics", () => {
  it("k3s: hosts NodeHosts file, and both import lines noted (not resolved) with their scope", () => {
    const text = readFixture("corefiles/k3s_user_dump_with_imports.Corefile");
    const a = analyzeCorefile(text);
    expect(a.hosts).toEqual([
      { file: "/etc/coredns/NodeHosts", zones: [], inlineEntries: 0, fallthrough: true, line: lineOf(text, "hosts"), blockIndex: 0 },
    ]);
    expect(a.imports).toEqual([
      { pattern: "/etc/coredns/custom/*.override", line: lineOf(text, "import /etc/coredns/custom/*.override"), scope: "server-block", blockIndex: 0 },
      { pattern: "/etc/coredns/custom/*.server", line: lineOf(text, "import /etc/coredns/custom/*.server"), scope: "top-level" },
    ]);
    // `loop  ###### Removed this ######`: the comment does not become arguments.
    expect(a.loop).toMatchObject({ args: [], line: lineOf(text, "loop") });
  });

  it("AKS: import custom/*.override inside the block and custom/*.server at top level", () => {
    const a = analyzeCorefile(readFixture("corefiles/aks_default.Corefile"));
    expect(a.imports.map((i) => [i.pattern, i.scope])).toEqual([
      ["custom/*.override", "server-block"],
      ["custom/*.server", "top-level"],
    ]);
    expect(a.forward[0]!.maxConcurrent).toBeUndefined();
  });

  it("minikube: inline hosts entries and a second stub-zone block forwarding to an address", () => {
    const a = analyzeCorefile(readShared("realdata/coredns/Corefile.minikube_user_dump"));
    expect(a.log).toBeDefined();
    expect(a.hosts[0]).toMatchObject({ file: "/etc/hosts", inlineEntries: 1, fallthrough: true });
    expect(a.blocks[1]!.keys[0]).toMatchObject({ zone: "test.", port: 53 });
    expect(a.forward[1]).toMatchObject({ blockIndex: 1, to: [{ kind: "address", host: "192.168.49.2", port: 53, loopback: false }] });
    expect(blockServing(a, "foo.test")).toEqual({ blockIndex: 1, zone: "test." });
    expect(blockServing(a, "example.com")).toEqual({ blockIndex: 0, zone: "." });
  });

  it("RKE2: extra spaces and a duplicated cluster.local zone argument are accepted", () => {
    const a = analyzeCorefile(readFixture("corefiles/rke2_user_dump.Corefile"));
    expect(a.kubernetesPlugin!.zones).toEqual(["example-domain.com.", "cluster.local.", "cluster.local.", "in-addr.arpa.", "ip6.arpa."]);
    expect(a.prometheus?.args).toEqual(["0.0.0.0:9153"]);
  });

  it("OpenShift: port 5353, comments, multi-key blocks, vendor plugin, no loop plugin", () => {
    const a = analyzeCorefile(readFixture("corefiles/openshift_dns_default.Corefile"));
    expect(a.blocks.map((b) => b.keys.map((k) => `${k.zone}:${k.port}`))).toEqual([
      ["foo.com.:5353"],
      ["bar.com.:5353", "example.com.:5353"],
      [".:5353"],
      ["hostname.bind.:5353"],
    ]);
    expect(a.mainBlockIndex).toBe(2);
    expect(a.health?.lameduckSeconds).toBe(20);
    expect(a.cache).toMatchObject({ ttl: 900, options: { denial: ["9984", "30"] } });
    expect(a.loop).toBeUndefined();
    expect(a.forward.map((f) => f.policy)).toEqual(["round_robin", "random", "sequential"]);
    expect(a.forward[0]!.to.map((t) => `${t.host}:${t.port}`)).toEqual(["1.1.1.1:53", "2.2.2.2:5353"]);
    expect(servesZone(a, "cluster.local", 5353)).toBe(true);
    expect(servesZone(a, "cluster.local", 53)).toBe(false);
    expect(resolvesClusterDomain(a, "cluster.local", 5353)).toMatchObject({ resolves: true, blockIndex: 2 });
  });
});

describe("broken Corefiles", () => {
  it("EKS legacy (realdata): `upstream` inside kubernetes is removed in 1.7.0, at the line CoreDNS names", () => {
    const text = readShared("realdata/coredns/Corefile.eks_legacy_broken_upstream_coredns1.7");
    const log = readShared("realdata/coredns/Corefile.eks_legacy_broken_upstream_coredns1.7.log");
    const reported = Number(/Corefile:(\d+) - Error during parsing: unknown property 'upstream'/.exec(log)![1]);
    const a = analyzeCorefile(text);
    expect(a.valid).toBe(false);
    expect(errors(a)).toEqual([
      expect.objectContaining({ code: "removed-option", plugin: "kubernetes", option: "upstream", version: "1.7.0", line: reported }),
    ]);
    // The cluster ran it before the upgrade: with CoreDNS 1.6.6 it is only a warning.
    const before = analyzeCorefile(text, { corednsVersion: "v1.6.6-eksbuild.1" });
    expect(before.valid).toBe(true);
    expect(before.issues).toEqual([expect.objectContaining({ code: "deprecated", severity: "warning", line: reported })]);
  });

  it("coredns/deployment#215: a nested `. { }` block is an unknown directive at line 3", () => {
    // CoreDNS logged: "/etc/coredns/Corefile:3 - Error during parsing: Unknown directive '.'"
    const a = analyzeCorefile(readFixture("corefiles/broken_nested_dot_block.Corefile"));
    expect(errors(a)[0]).toMatchObject({ code: "unknown-plugin", plugin: ".", line: 3 });
    expect(errors(a).map((i) => i.code)).toEqual(["unknown-plugin", "removed-option"]);
  });

  it("coredns/coredns#3368: `proxy` is a removed plugin (CoreDNS 1.6.4), replaced by forward", () => {
    const text = readFixture("corefiles/broken_proxy_and_forward.Corefile");
    const a = analyzeCorefile(text, { corednsVersion: "1.6.4" });
    expect(errors(a)).toEqual([
      expect.objectContaining({ code: "removed-plugin", plugin: "proxy", version: "1.5.0", replacement: "forward", line: lineOf(text, "proxy") }),
    ]);
    expect(a.forward.map((f) => [f.plugin, f.to.map((t) => t.host)])).toEqual([
      ["forward", ["8.8.8.8", "9.9.9.9"]],
      ["proxy", ["114.114.114.114"]],
    ]);
    expect(a.forward[0]!.except).toEqual(["baidu.com."]);
    expect(analyzeCorefile(text, { corednsVersion: "1.4.0" }).valid).toBe(true);
  });

  it("coredns/coredns#7121: `example.com{` is one word, so `ttl` becomes an unknown directive", () => {
    // CoreDNS 1.12.0 reported: Error during parsing: Unknown directive 'ttl'
    const a = analyzeCorefile(readFixture("corefiles/broken_hosts_glued_brace.Corefile"));
    expect(errors(a)[0]).toMatchObject({ code: "unknown-plugin", plugin: "ttl", line: 4 });
    expect(a.blocks[0]!.plugins[0]).toMatchObject({ name: "hosts", args: ["coredns.hosts", "example.com{"] });
  });

  // The remaining broken inputs are one-line edits of the kubeadm default (realdata).
  const kubeadm = () => readShared("realdata/coredns/Corefile.kubeadm_default");
  const edit = (from: string, to: string) => {
    const text = kubeadm();
    expect(text).toContain(from);
    return text.replace(from, to);
  };

  it("missing '}' of the kubernetes block: the server block never closes, and the swallowing block is named", () => {
    const a = analyzeCorefile(edit("       ttl 30\n    }\n", "       ttl 30\n"));
    expect(errors(a)).toEqual([expect.objectContaining({ code: "missing-close-brace", line: 1 })]);
    expect(errors(a)[0]!.message).toContain("'kubernetes' (line 7)");
    expect(errors(a)[0]!.message).toContain("'prometheus' (line 11)");
  });

  it("an extra '}' closes the server block early and the rest parses as new keys", () => {
    const a = analyzeCorefile(edit("    loop\n", "    }\n    loop\n"));
    expect(a.valid).toBe(false);
    expect(errors(a)[0]!.code).toBe("unexpected-close-brace");
  });

  it("no kubernetes plugin: cluster names reach no kubernetes plugin", () => {
    const a = analyzeCorefile(edit(
      "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n",
      "",
    ));
    expect(a.valid).toBe(true);
    expect(a.kubernetesPlugin).toBeUndefined();
    expect(resolvesClusterDomain(a, "cluster.local")).toEqual({ resolves: false, reason: "no-kubernetes-plugin", blockIndex: 0 });
  });

  it("kubernetes serving another zone than the kubelet's cluster domain", () => {
    const a = analyzeCorefile(edit("kubernetes cluster.local in-addr.arpa", "kubernetes k8s.local in-addr.arpa"));
    expect(resolvesClusterDomain(a, "cluster.local")).toEqual({
      resolves: false,
      reason: "kubernetes-zone-mismatch",
      blockIndex: 0,
      kubernetesZones: ["k8s.local.", "in-addr.arpa.", "ip6.arpa."],
    });
    expect(resolvesClusterDomain(a, "k8s.local")).toMatchObject({ resolves: true });
  });

  it("forward to the systemd-resolved stub 127.0.0.53 (as AMD ROCm docs instruct) is a loopback target", () => {
    // Stanza copied from the ROCm GPU operator docs (search index id 42446406686).
    const a = analyzeCorefile(edit("forward . /etc/resolv.conf {", "forward . 127.0.0.53 /etc/resolv.conf {"));
    expect(a.forward[0]!.to).toEqual([
      { raw: "127.0.0.53", kind: "address", transport: "dns", host: "127.0.0.53", port: 53, loopback: true },
      { raw: "/etc/resolv.conf", kind: "resolv-conf", transport: "dns", path: "/etc/resolv.conf", loopback: false },
    ]);
  });

  it("max_concurrent on CoreDNS older than 1.6.9 fails (coredns/coredns#4362)", () => {
    const a = analyzeCorefile(kubeadm(), { corednsVersion: "1.6.7" });
    expect(errors(a)).toEqual([expect.objectContaining({ code: "option-too-new", option: "max_concurrent", line: lineOf(kubeadm(), "max_concurrent") })]);
  });

  it("two blocks serving the same zone and port", () => {
    const text = `${kubeadm()}.:53 {\n    forward . 8.8.8.8\n}\n`;
    const a = analyzeCorefile(text);
    expect(errors(a)).toEqual([expect.objectContaining({ code: "duplicate-server-key", line: text.split("\n").lastIndexOf(".:53 {") + 1 })]);
  });
});

describe("grammar", () => {
  it("server keys: transports, default ports, reverse CIDR zones, comma-continued key lists", () => {
    expect(parseServerKey("dns://cluster.local:53")).toMatchObject({ transport: "dns", zone: "cluster.local.", port: 53 });
    expect(parseServerKey("tls://.")).toMatchObject({ transport: "tls", zone: ".", port: 853 });
    expect(parseServerKey("grpc://example.org:1443")).toMatchObject({ transport: "grpc", port: 1443 });
    expect(parseServerKey("in-addr.arpa")).toMatchObject({ zone: "in-addr.arpa.", port: 53 });
    expect(parseServerKey("Example.ORG.")).toMatchObject({ zone: "example.org." });
    expect(parseServerKey("10.0.0.0/24:53")).toMatchObject({ cidr: "10.0.0.0/24", zone: "0.0.10.in-addr.arpa.", port: 53 });
    expect(parseServerKey(".:53x").port).toBeNaN();
    const a = analyzeCorefile("example.org:1053,\n  example.net:1053 {\n  whoami\n}\n");
    expect(a.blocks[0]!.keys.map((k) => k.zone)).toEqual(["example.org.", "example.net."]);
    expect(a.valid).toBe(true);
  });

  it("'{' on the line after the keys, and the brace-less single-server form", () => {
    const nextLine = analyzeCorefile(".:53\n{\n    errors\n    forward . 8.8.8.8\n}\n");
    expect(nextLine.valid).toBe(true);
    expect(nextLine.blocks[0]!.plugins.map((p) => p.name)).toEqual(["errors", "forward"]);
    const braceless = analyzeCorefile(".:1053\nerrors\nforward . 8.8.8.8\n");
    expect(braceless.valid).toBe(true);
    expect(braceless.blocks[0]).toMatchObject({ keys: [{ zone: ".", port: 1053 }], plugins: [{ name: "errors" }, { name: "forward", args: [".", "8.8.8.8"] }] });
  });

  it("reverse zones of IPv4 CIDRs, including prefixes off an octet boundary", () => {
    expect(reverseZonesForCidr("10.100.0.0/24")).toEqual(["0.100.10.in-addr.arpa."]);
    expect(reverseZonesForCidr("10.0.0.0/8")).toEqual(["10.in-addr.arpa."]);
    expect(reverseZonesForCidr("10.96.0.0/23")).toEqual(["0.96.10.in-addr.arpa.", "1.96.10.in-addr.arpa."]);
    expect(reverseZonesForCidr("192.168.1.128/25")).toEqual(["1.168.192.in-addr.arpa."]);
    expect(reverseZonesForCidr("fd00::/8")).toEqual([]);
    expect(reverseZonesForCidr("300.0.0.0/8")).toEqual([]);
  });

  it("kubernetes zones given as a CIDR (coredns/coredns#2287) become reverse zones", () => {
    const a = analyzeCorefile(".:53 {\n    kubernetes cluster.local 10.100.0.0/24 {\n      pods insecure\n    }\n}\n");
    expect(a.kubernetesPlugin!.zones).toEqual(["cluster.local.", "0.100.10.in-addr.arpa."]);
  });

  it("kubernetes without zone arguments takes the server block's zones", () => {
    const a = analyzeCorefile("cluster.local:53 {\n    kubernetes\n}\n");
    expect(a.kubernetesPlugin!.zones).toEqual(["cluster.local."]);
    expect(resolvesClusterDomain(a, "cluster.local")).toMatchObject({ resolves: true });
    expect(servesZone(a, "example.com")).toBe(false);
    expect(resolvesClusterDomain(a, "other.local")).toEqual({ resolves: false, reason: "no-server-block" });
  });

  it("quoted strings keep spaces and braces; only \\\" is an escape (coredns/coredns#3775 quotes a path)", () => {
    const a = analyzeCorefile('.:53 {\n    forward . "/etc/resolv.conf"\n    template IN A example.org {\n        answer "{{ .Name }} 60 IN A 10.0.0.1"\n        match "^a\\.b\\"c$"\n    }\n}\n');
    expect(a.valid).toBe(true);
    expect(a.forward[0]!.to[0]!.kind).toBe("resolv-conf");
    const template = a.blocks[0]!.plugins[1]!;
    expect(template.block!.map((o) => o.args[0])).toEqual(["{{ .Name }} 60 IN A 10.0.0.1", '^a\\.b"c$']);
  });

  it("'#' starts a comment anywhere outside quotes", () => {
    const a = analyzeCorefile(".:53 { # root zone\n    errors#no space\n    forward . 8.8.8.8 # upstream\n}\n");
    expect(a.blocks[0]!.plugins.map((p) => [p.name, p.args])).toEqual([["errors", []], ["forward", [".", "8.8.8.8"]]]);
  });

  it("snippets are spliced where imported; file imports are noted", () => {
    const a = analyzeCorefile("(common) {\n    errors\n    cache 30\n}\n.:53 {\n    import common\n    forward . 10.0.0.2\n    import extra/*.conf\n}\n");
    expect(a.snippets).toEqual([{ name: "common", line: 1 }]);
    expect(a.blocks[0]!.plugins.map((p) => [p.name, p.fromSnippet])).toEqual([["errors", "common"], ["cache", "common"], ["forward", undefined]]);
    expect(a.cache).toMatchObject({ ttl: 30, line: 3 });
    expect(a.imports).toEqual([{ pattern: "extra/*.conf", line: 8, scope: "server-block", blockIndex: 0 }]);
  });

  it("environment placeholders are kept verbatim and listed", () => {
    const a = analyzeCorefile("{$ZONE}:{$PORT} {\n    forward . {%UPSTREAM%}\n}\n");
    expect(a.envPlaceholders).toEqual([{ name: "ZONE", line: 1 }, { name: "PORT", line: 1 }, { name: "UPSTREAM", line: 2 }]);
    expect(a.blocks[0]!.keys[0]).toMatchObject({ hasPlaceholder: true });
    expect(a.blocks[0]!.keys[0]!.port).toBeUndefined();
    expect(a.valid).toBe(true);
  });

  it("structural errors carry line numbers", () => {
    const cases: [string, string, number][] = [
      ["{\n    errors\n}\n", "block-without-keys", 1],
      [".:53 {\n    errors\n}\n}\n", "unexpected-close-brace", 4],
      [".:53 { errors }\n", "unexpected-close-brace", 1],
      [".:53,\n", "expected-another-key", 1],
      [".:53 {\n    import\n}\n", "import-arity", 2],
      ["(snip)\n", "snippet-without-block", 1],
      ["", "no-server-blocks", 1],
      ["# only a comment\n", "no-server-blocks", 1],
      [".:53 {\n    {\n    }\n}\n", "unexpected-open-brace", 2],
      ["foo://.:53 {\n    errors\n}\n", "invalid-server-key", 1],
    ];
    for (const [text, code, line] of cases) {
      expect(errors(analyzeCorefile(text))[0], JSON.stringify(text)).toMatchObject({ code, line });
    }
    // The quote swallows the closing brace too; both are reported.
    const quote = analyzeCorefile('.:53 {\n    forward . "8.8.8.8\n}\n');
    expect(quote.issues.map((i) => [i.code, i.line])).toEqual([["missing-close-brace", 1], ["unterminated-quote", 2]]);
  });

  it("never throws on garbage, hostile nesting or recursive snippets", () => {
    const garbage = ["}}}}{{{", "\u0000\u0001\"", "{ ".repeat(100_000), "x {\n".repeat(50_000), "(a) {\nimport a\n}\n.:53 {\nimport a\n}\n", "import", "\ufeff.:53 {\r\n  errors\r\n}\r\n"];
    for (const g of garbage) expect(() => analyzeCorefile(g)).not.toThrow();
    expect(analyzeCorefile("{ ".repeat(100_000)).issues.some((i) => i.code === "nesting-too-deep")).toBe(true);
    expect(analyzeCorefile("(a) {\nimport a\n}\n.:53 {\nimport a\n}\n").issues.some((i) => i.code === "expansion-limit")).toBe(true);
    expect(analyzeCorefile("\ufeff.:53 {\r\n  errors\r\n}\r\n").valid).toBe(true);
    expect(() => analyzeCorefile(undefined as unknown as string)).not.toThrow();
  });

  it("Go durations", () => {
    expect(goDurationSeconds("5s")).toBe(5);
    expect(goDurationSeconds("1m30s")).toBe(90);
    expect(goDurationSeconds("500ms")).toBe(0.5);
    expect(goDurationSeconds("5")).toBeUndefined();
  });
});
