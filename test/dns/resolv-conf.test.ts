import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseResolvConf } from "../../src/model/parsers/resolv-conf.js";
import { isKubeletPodResolvConf, isLoopbackAddress } from "../../src/facts/dns/resolv.js";
import { SOURCES_DIR } from "../../fixtures/generate.js";

describe("resolv.conf for cluster DNS", () => {
  it("systemd-resolved's stub file (the healthy fixtures' nodes): one loopback nameserver, on its line", () => {
    const text = readFileSync(join(SOURCES_DIR, "dns/stub-resolv.conf"), "utf8");
    const conf = parseResolvConf(text);
    expect(conf.nameservers).toEqual([{ address: "127.0.0.53", line: text.split("\n").indexOf("nameserver 127.0.0.53") + 1 }]);
    expect(conf.search).toEqual(["."]);
    expect(isLoopbackAddress("127.0.0.53")).toBe(true);
    expect(isLoopbackAddress("::1")).toBe(true);
    expect(isLoopbackAddress("10.0.0.2")).toBe(false);
    expect(isKubeletPodResolvConf(conf)).toBeUndefined();
  });

  it("a kubelet-written pod resolv.conf (kubernetes-sigs/kubespray#6631): namespace and cluster domain from the search list", () => {
    const conf = parseResolvConf("nameserver 10.233.0.3\nsearch dev.svc.cluster.development svc.cluster.development cluster.development us-east-2.compute.internal\noptions ndots:5\n");
    expect(isKubeletPodResolvConf(conf)).toEqual({ namespace: "dev", clusterDomain: "cluster.development" });
  });

  it("a node or hand-made resolv.conf is not mistaken for a pod's", () => {
    expect(isKubeletPodResolvConf(parseResolvConf("search corp.example.com\nnameserver 10.0.0.2\n"))).toBeUndefined();
    expect(isKubeletPodResolvConf(parseResolvConf("search a.svc.cluster.local other.example\nnameserver 10.0.0.2\n"))).toBeUndefined();
  });
});
