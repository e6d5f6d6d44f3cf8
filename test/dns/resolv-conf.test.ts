import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isKubeletPodResolvConf, isLoopbackAddress, parseResolvConf } from "../../src/model/parsers/resolv-conf.js";
import { SOURCES_DIR } from "../../fixtures/generate.js";

describe("parseResolvConf", () => {
  it("systemd-resolved's stub file: one loopback nameserver on its line, options, the root search", () => {
    const text = readFileSync(join(SOURCES_DIR, "dns/stub-resolv.conf"), "utf8");
    const conf = parseResolvConf(text);
    const line = text.split("\n").indexOf("nameserver 127.0.0.53") + 1;
    expect(conf.nameservers).toEqual([{ address: "127.0.0.53", line }]);
    expect(conf.options).toEqual({ edns0: "", "trust-ad": "" });
    expect(conf.search).toEqual(["."]);
    expect(conf.ndots).toBe(1);
    expect(isLoopbackAddress("127.0.0.53")).toBe(true);
    expect(isLoopbackAddress("10.0.0.2")).toBe(false);
  });

  it("a kubelet-written pod resolv.conf (kubernetes-sigs/kubespray#6631): clusterDNS, namespace search list, ndots:5", () => {
    const conf = parseResolvConf("nameserver 10.233.0.3\nsearch dev.svc.cluster.development svc.cluster.development cluster.development us-east-2.compute.internal\noptions ndots:5\n");
    expect(conf.nameservers.map((n) => n.address)).toEqual(["10.233.0.3"]);
    expect(conf.ndots).toBe(5);
    expect(isKubeletPodResolvConf(conf)).toEqual({ namespace: "dev", clusterDomain: "cluster.development" });
  });

  it("a node or hand-made resolv.conf is not mistaken for a pod's", () => {
    expect(isKubeletPodResolvConf(parseResolvConf("search corp.example.com\nnameserver 10.0.0.2\n"))).toBeUndefined();
    expect(isKubeletPodResolvConf(parseResolvConf("search a.svc.cluster.local other.example\nnameserver 10.0.0.2\n"))).toBeUndefined();
  });

  it("comments, `domain`, scoped IPv6, junk and oversize values", () => {
    const conf = parseResolvConf("# generated\n; old style comment\ndomain example.org\nnameserver fe80::1%eth0\nnameserver not-an-ip\nnameserver 10.0.0.2 # trailing\noptions ndots:99 timeout:2\n");
    expect(conf.nameservers.map((n) => [n.address, n.line])).toEqual([["fe80::1%eth0", 4], ["10.0.0.2", 6]]);
    expect(conf.search).toEqual(["example.org"]);
    expect(conf.ndots).toBe(15);
    expect(conf.options.timeout).toBe("2");
    expect(parseResolvConf(undefined as unknown as string).nameservers).toEqual([]);
  });
});
