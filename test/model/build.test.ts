import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/model/build.js";
import type { SnapshotFiles } from "../../src/snapshot/types.js";

function snapshot(files: Record<string, string>): SnapshotFiles {
  return { source: "test", files: new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])), warnings: [] };
}

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "shop", labels: { app: "web" } },
  spec: { containers: [{ name: "web", image: "nginx" }] },
  status: { phase: "Running", podIP: "10.244.1.5" },
  ...extra,
});

describe("model builder", () => {
  it("skips an invalid object with a warning naming file and item, and keeps the rest", () => {
    const model = buildModel(snapshot({ "resources/pods.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [pod("ok-1"), { ...pod("broken"), spec: { containers: "nope" } }, pod("ok-2")] }) }));
    expect(model.resources.pods.map((p) => p.metadata.name)).toEqual(["ok-1", "ok-2"]);
    expect(model.warnings).toEqual([expect.stringMatching(/^resources\/pods\.json: item 1 \(shop\/broken\) skipped: spec\.containers: /)]);
  });

  it("reports a JSON syntax error with its line and skips only that file", () => {
    const model = buildModel(snapshot({ "resources/pods.json": '{\n  "items": [\n    {"metadata": }\n  ]\n}', "resources/services.json": JSON.stringify({ items: [] }) }));
    expect(model.warnings).toEqual([expect.stringMatching(/^resources\/pods\.json: invalid JSON at line 3 .*; file skipped$/)]);
  });

  it("reads resources saved as YAML, several documents included", () => {
    const yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\nspec: {containers: [{name: c}]}\n";
    const model = buildModel(snapshot({ "resources/pods.yaml": yaml }));
    expect(model.resources.pods.map((p) => p.metadata.name)).toEqual(["a", "b"]);
    expect(model.has("resources/pods.json")).toBe(true);
  });

  it("reports YAML errors with their line", () => {
    const model = buildModel(snapshot({ "resources/pods.yaml": "items:\n  - metadata: {name: a\n  - b\n" }));
    expect(model.warnings[0]).toMatch(/^resources\/pods\.yaml: invalid YAML at line \d+/);
  });

  it("skips duplicates, wrong kinds and unsupported API versions with warnings", () => {
    const ingressV1beta1 = { apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "old", namespace: "shop" }, spec: { backend: { serviceName: "web", servicePort: 80 } } };
    const model = buildModel(snapshot({
      "resources/pods.json": JSON.stringify({ items: [pod("a"), pod("a"), { apiVersion: "v1", kind: "Service", metadata: { name: "svc" } }] }),
      "resources/ingresses.json": JSON.stringify({ items: [ingressV1beta1] }),
    }));
    expect(model.resources.pods).toHaveLength(1);
    expect(model.resources.ingresses).toHaveLength(0);
    expect(model.warnings).toEqual([
      "resources/pods.json: item 1 (shop/a) skipped: duplicate of an earlier item",
      "resources/pods.json: item 2 (svc) skipped: kind Service where Pod was expected",
      "resources/ingresses.json: item 0 (shop/old) skipped: unsupported apiVersion extensions/v1beta1 (expected networking.k8s.io/v1)",
    ]);
  });

  it("keeps unknown fields and points evidence at the item", () => {
    const model = buildModel(snapshot({ "resources/pods.json": JSON.stringify({ items: [pod("a", { extraField: { kept: true } })] }) }));
    const p = model.resources.pods[0]!;
    expect((p as Record<string, unknown>).extraField).toEqual({ kept: true });
    expect(model.evidence(p, "status.phase", "Running")).toEqual({ file: "resources/pods.json", path: "items[0].status.phase", excerpt: "Running" });
  });

  it("groups pods under their Deployment through the ReplicaSet's pod-template-hash", () => {
    const rsPod = pod("web-7d4b9c8f6d-x2k4q", {});
    (rsPod.metadata as Record<string, unknown>).labels = { app: "web", "pod-template-hash": "7d4b9c8f6d" };
    (rsPod.metadata as Record<string, unknown>).ownerReferences = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d4b9c8f6d", uid: "u", controller: true }];
    const model = buildModel(snapshot({ "resources/pods.json": JSON.stringify({ items: [rsPod, pod("bare")] }) }));
    expect(model.workloads().map((w) => `${w.ref.kind}/${w.ref.name}`)).toEqual(["Deployment/web", "Pod/bare"]);
  });

  it("indexes logs, node files and probes by their snapshot paths", () => {
    const model = buildModel(snapshot({
      "logs/kube-system/coredns-abc/coredns.log": "a\nb\n",
      "logs/kube-system/coredns-abc/coredns.previous.log": "c\n",
      "nodes/node-1/iptables-save.txt": "*nat\nCOMMIT\n",
      "nodes/node-1/cni/10-calico.conflist": "{}",
      "probes/nslookup.txt": "ok",
    }));
    expect(model.logs.map((l) => [l.pod, l.container, l.previous, l.lines])).toEqual([["coredns-abc", "coredns", false, ["a", "b"]], ["coredns-abc", "coredns", true, ["c"]]]);
    expect([...model.nodeFiles.get("node-1")!.keys()].sort()).toEqual(["cni/10-calico.conflist", "iptables-save.txt"]);
    expect(model.has("nodes/*/iptables-save.txt")).toBe(true);
    expect(model.has("nodes/*/ipvsadm.txt")).toBe(false);
    expect(model.probes.get("nslookup.txt")).toBe("ok");
  });

  it("explains a missing file with the collector's recorded error", () => {
    const manifest = { format: "netdiag-snapshot/v1", errors: [{ step: "resources/networkpolicies", message: "Forbidden: cannot list networkpolicies" }] };
    const model = buildModel(snapshot({ "manifest.json": JSON.stringify(manifest) }));
    expect(model.missingReason("resources/networkpolicies.json")).toBe("resources/networkpolicies: Forbidden: cannot list networkpolicies");
  });
});
