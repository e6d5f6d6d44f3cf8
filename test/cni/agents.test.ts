/**
 * CNI agents: recognised from what the projects ship (labels, images), judged
 * per node, and what their logs and the node's pod events say.
 */
import { describe, expect, it } from "vitest";
import { cniFacts } from "../../src/facts/cni.js";
import { agentHealthOnNode, cniOfAgent } from "../../src/facts/cni/agents.js";
import { computeFacts } from "../../src/facts/index.js";
import type { ClusterModel } from "../../src/model/model.js";
import { cluster, daemonSet, node, pod } from "../helpers/cluster.js";
import { realdata } from "../helpers/realdata.js";

describe("recognising CNI agents", () => {
  it.each([
    ["calico", {}, "docker.io/calico/node:v3.28.2"],
    ["calico", {}, "quay.io/calico/node:v3.26.1"],
    ["cilium", {}, "quay.io/cilium/cilium:v1.16.3@sha256:62d2a09bbef840a46099ac4c69421c90f84f28d018d479749049011329aa7f28"],
    ["flannel", {}, "ghcr.io/flannel-io/flannel:v0.26.1"],
    ["flannel", {}, "docker.io/rancher/mirrored-flannelcni-flannel:v0.17.0"],
    ["weave", { name: "weave-net" }, "weaveworks/weave-kube:latest"],
    ["aws-vpc-cni", {}, "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1"],
    ["antrea", { component: "antrea-agent" }, "antrea/antrea-agent-ubuntu:v2.1.0"],
  ] as const)("%s from %s / %s", (cni, labels, image) => {
    expect(cniOfAgent(labels, [image])?.name).toBe(cni);
  });

  it("an operator image or an unrelated app is no agent", () => {
    expect(cniOfAgent({ "io.cilium/app": "operator" }, ["quay.io/cilium/operator-generic:v1.16.3"])).toBeUndefined();
    expect(cniOfAgent({ app: "web" }, ["ghcr.io/example/node:1"])).toBeUndefined();
  });
});

const CALICO = [{ name: "calico-node", image: "docker.io/calico/node:v3.28.2" }];
const calicoDs = daemonSet("kube-system", "calico-node", { "k8s-app": "calico-node" }, CALICO, { tolerations: [{ operator: "Exists" }] });
const calicoPod = (n: string, extra: Parameters<typeof pod>[3] = {}) => pod("kube-system", `calico-node-${n}`, n, { labels: { "k8s-app": "calico-node" }, containers: CALICO, hostNetwork: true, owner: { kind: "DaemonSet", name: "calico-node" }, ...extra });

function nodeValues(model: ClusterModel, name: string): Record<string, unknown> {
  return computeFacts(model, [cniFacts]).find((s) => s.kind === "Node" && s.subject.name === name)!.values;
}

describe("agent health per node", () => {
  const nodes = [node("n1", "10.0.0.11"), node("n2", "10.0.0.12")];

  it("a node its DaemonSet targets but without an agent pod", () => {
    const model = cluster({ nodes, daemonsets: [calicoDs], pods: [calicoPod("n1")] });
    expect(agentHealthOnNode(model, model.node("n2")!)).toEqual([{ cni: "calico", problem: "no calico agent pod on the node (its DaemonSet should run one here)", crashLooping: false }]);
    expect(agentHealthOnNode(model, model.node("n1")!)[0]!.problem).toBe("");
  });

  it("during a rolling update the ready new pod counts, not the terminating old one", () => {
    const old = calicoPod("n1", { ready: false });
    (old.metadata as Record<string, unknown>).deletionTimestamp = "2026-11-22T10:29:00Z";
    (old.metadata as Record<string, unknown>).name = "calico-node-old";
    const model = cluster({ nodes, daemonsets: [calicoDs], pods: [old, calicoPod("n1"), calicoPod("n2")] });
    expect(nodeValues(model, "n1")["cni.agentUnhealthy"]).toBe(false);
  });

  it("BGP down, from the calico-node readiness events (calico#2561)", () => {
    const lines = realdata("logs/calico_bgp_not_established_readiness_calico-2561.log").split("\n");
    // kubectl describe prints the two-line probe output as one event message.
    const message = `${lines[0]!.replace(/^.*kubelet\s+/, "")}\n${lines[1]}`;
    const event = { apiVersion: "v1", kind: "Event", metadata: { name: "calico-node-n1.17e", namespace: "kube-system" }, involvedObject: { kind: "Pod", namespace: "kube-system", name: "calico-node-n1" }, reason: "Unhealthy", type: "Warning", count: 40, message };
    const model = cluster({ nodes, daemonsets: [calicoDs], pods: [calicoPod("n1", { ready: false }), calicoPod("n2")], events: [event] });
    expect(nodeValues(model, "n1")).toMatchObject({ "cni.bgpDownReports": 40, "cni.bgpPeersDown": ["192.168.50.42", "192.168.50.45", "192.168.50.46", "192.168.50.47", "192.168.50.48"], "cni.agentUnhealthy": true });
    expect(nodeValues(model, "n2")["cni.bgpDownReports"]).toBe(0);
    // The same events on a calico-node that is ready again are start-up history.
    const recovered = cluster({ nodes, daemonsets: [calicoDs], pods: [calicoPod("n1"), calicoPod("n2")], events: [event] });
    expect(nodeValues(recovered, "n1")).toMatchObject({ "cni.bgpDownReports": 0, "cni.agentUnhealthy": false });
  });

  it("a sandbox failure counts on the node of its pod, with the CNI's own words", () => {
    const stuck = pod("shop", "web-1", "n2", { phase: "Pending", ready: false });
    const message = realdata("logs/kubelet_flannel_subnet_env_missing_kubelet-46.log").split("\n")[0]!.replace(/^.*err="rpc error/, "Failed to create pod sandbox: rpc error").replace(/"$/, "").replaceAll('\\"', '"');
    const event = { apiVersion: "v1", kind: "Event", metadata: { name: "web-1.17f", namespace: "shop" }, involvedObject: { kind: "Pod", namespace: "shop", name: "web-1" }, reason: "FailedCreatePodSandBox", type: "Warning", count: 12, message };
    const model = cluster({ nodes, daemonsets: [calicoDs], pods: [calicoPod("n1"), calicoPod("n2"), stuck], events: [event] });
    expect(nodeValues(model, "n2")).toMatchObject({ "cni.sandboxFailures": 12, "cni.sandboxFailingPods": [{ kind: "Pod", namespace: "shop", name: "web-1" }], "cni.sandboxError": "loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory" });
    expect(nodeValues(model, "n2")["cni.flannelSubnetProblems"]).toEqual(["/run/flannel/subnet.env missing (×12)"]);
    expect(nodeValues(model, "n1")["cni.sandboxFailures"]).toBe(0);
    // Once the pod runs, its old sandbox errors are resolved.
    const started = cluster({ nodes, daemonsets: [calicoDs], pods: [calicoPod("n1"), calicoPod("n2"), pod("shop", "web-1", "n2", { ip: "10.244.2.9" })], events: [event] });
    expect(nodeValues(started, "n2")).toMatchObject({ "cni.sandboxFailures": 0, "cni.flannelSubnetProblems": [] });
  });
});
