import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  findKubeletConfigMap,
  isIpAddress,
  kubeletDnsFromConfigMaps,
  parseKubeletConfig,
} from "../../src/model/parsers/kubelet-config.js";
import { readFixture } from "./helpers.js";

// Sources: test/fixtures/kubelet-config/SOURCES.md. The snapshot holds these
// ConfigMaps as JSON (kubectl get configmaps -o json); YAML → objects is the same shape.
const configMap = (file: string) => parse(readFixture(`kubelet-config/${file}`)) as { data: { kubelet: string } };
const v124 = () => configMap("kubeadm_v1.24_init_dryrun_configmap.yaml");
const v119 = () => configMap("kubeadm_v1.19_configmap.yaml");
const lineOf = (text: string, prefix: string) => text.split("\n").findIndex((l) => l.startsWith(prefix)) + 1;
/** The 1.24 kubelet YAML with one edit, checked to apply. */
const edited = (from: string, to: string) => {
  const kubelet = v124().data.kubelet;
  expect(kubelet).toContain(from);
  return kubelet.replace(from, to);
};

describe("parseKubeletConfig on kubeadm's kubelet-config", () => {
  it("kubeadm 1.24 (systemd-resolved node): clusterDNS, clusterDomain, resolvConf and their lines", () => {
    const kubelet = v124().data.kubelet;
    expect(parseKubeletConfig(kubelet)).toEqual({
      clusterDNS: ["10.96.0.10"],
      clusterDomain: "cluster.local",
      clusterDomainSet: true,
      resolvConf: "/run/systemd/resolve/resolv.conf",
      resolvConfSet: true,
      kind: "KubeletConfiguration",
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      lines: { clusterDNS: lineOf(kubelet, "clusterDNS:"), clusterDomain: lineOf(kubelet, "clusterDomain:"), resolvConf: lineOf(kubelet, "resolvConf:") },
      issues: [],
    });
  });

  it("kubeadm 1.19 without resolvConf: the kubelet default /etc/resolv.conf applies", () => {
    const c = parseKubeletConfig(v119().data.kubelet);
    expect(c).toMatchObject({ clusterDNS: ["10.96.0.10"], resolvConf: "/etc/resolv.conf", resolvConfSet: false, issues: [] });
    expect(c.lines.resolvConf).toBeUndefined();
  });

  it("a custom cluster domain and dual-stack clusterDNS (edited 1.24 config)", () => {
    const kubelet = edited("- 10.96.0.10\n", "- 10.96.0.10\n- fd00:10:96::a\n").replace("clusterDomain: cluster.local", "clusterDomain: k8s.example.internal.");
    expect(parseKubeletConfig(kubelet)).toMatchObject({ clusterDNS: ["10.96.0.10", "fd00:10:96::a"], clusterDomain: "k8s.example.internal", issues: [] });
  });

  it("no clusterDomain: reads as cluster.local but says it was not set", () => {
    const kubelet = edited("clusterDomain: cluster.local\n", "");
    expect(parseKubeletConfig(kubelet)).toMatchObject({ clusterDomain: "cluster.local", clusterDomainSet: false, issues: [] });
  });

  it("reports what the kubelet would reject, with lines", () => {
    const kubelet = edited("- 10.96.0.10\n", "- kube-dns.kube-system\n");
    const c = parseKubeletConfig(kubelet);
    expect(c.clusterDNS).toEqual([]);
    expect(c.issues).toEqual([{ line: lineOf(kubelet, "clusterDNS:"), message: "clusterDNS entry 'kube-dns.kube-system' is not an IP address (kubelet rejects the configuration)" }]);
    expect(parseKubeletConfig("kind: KubeletConfiguration\nclusterDNS: 10.96.0.10\n").issues).toEqual([{ line: 2, message: "clusterDNS must be a list of IP addresses" }]);
    expect(parseKubeletConfig("kind: KubeProxyConfiguration\n").issues).toEqual([{ line: 1, message: "kind is KubeProxyConfiguration, not KubeletConfiguration" }]);
    expect(parseKubeletConfig("clusterDomain: -bad-.local\n").issues[0]!.message).toContain("not a valid DNS name");
  });

  it("refuses aliases, duplicate keys and garbage without throwing", () => {
    const bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nclusterDNS: *c\n";
    expect(parseKubeletConfig(bomb).issues[0]!.message).toMatch(/alias/i);
    const dup = parseKubeletConfig("clusterDNS:\n- 10.96.0.10\nclusterDNS:\n- 10.0.0.10\n");
    expect(dup.clusterDNS).toEqual([]);
    expect(dup.issues[0]).toMatchObject({ line: 3 });
    expect(dup.issues[0]!.message).toMatch(/unique/i);
    for (const g of ["", "- a\n- b\n", "{{{", ": :", "\u0000", undefined as unknown as string]) {
      expect(() => parseKubeletConfig(g)).not.toThrow();
      expect(parseKubeletConfig(g).issues.length).toBeGreaterThan(0);
    }
  });
});

describe("finding the kubelet ConfigMap", () => {
  it("prefers kubelet-config over a versioned leftover, else the newest versioned one", () => {
    const old = v119();
    const current = v124();
    expect(kubeletDnsFromConfigMaps([old, current])).toMatchObject({ configMap: "kubelet-config", resolvConf: "/run/systemd/resolve/resolv.conf" });
    const v118 = { ...old, metadata: { name: "kubelet-config-1.18", namespace: "kube-system" } };
    expect(findKubeletConfigMap([v118, old])?.name).toBe("kubelet-config-1.19");
  });

  it("ignores other namespaces, other ConfigMaps and malformed items", () => {
    const elsewhere = { ...v124(), metadata: { name: "kubelet-config", namespace: "default" } };
    const coredns = { metadata: { name: "coredns", namespace: "kube-system" }, data: { Corefile: ".:53 {}" } };
    expect(kubeletDnsFromConfigMaps([elsewhere, coredns, null, 42, { metadata: {} }])).toBeUndefined();
    expect(kubeletDnsFromConfigMaps(undefined as unknown as unknown[])).toBeUndefined();
  });
});

it("isIpAddress", () => {
  for (const ok of ["10.96.0.10", "169.254.20.10", "fd00:10:96::a", "::1", "2001:db8::10"]) expect(isIpAddress(ok), ok).toBe(true);
  for (const bad of ["10.96.0.256", "kube-dns", "10.96.0", "1::2::3", ""]) expect(isIpAddress(bad), bad).toBe(false);
});
