/**
 * Node layer facts: readiness, network availability and pressure of each
 * node, and how much serving capacity sits on it. Subject: every Node.
 */
import { z } from "zod";
import type { Evidence } from "../types/evidence.js";
import type { ClusterModel } from "../model/model.js";
import type { Node, Pod } from "../model/k8s.js";
import { matchesServiceSelector } from "../model/selectors.js";
import { isPodTerminal, podRef } from "../model/pods.js";
import { declareFacts } from "./define.js";
import { StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";

const facts = declareFacts("node", "Node", ["resources/nodes.json"], {
  name: { description: "The node's name.", shape: z.string(), example: "node-1" },
  labels: { description: "The node's labels (zone, instance type, roles…).", shape: z.record(z.string(), z.string()), example: { "topology.kubernetes.io/zone": "eu-west-1a" } },
  ready: { description: "The Ready condition is True.", shape: z.boolean(), example: true },
  readyReason: { description: "Reason and message of the Ready condition when it is not True.", shape: z.string(), example: "NodeStatusUnknown: Kubelet stopped posting node status." },
  networkUnavailable: { description: "The NetworkUnavailable condition is True (the CNI or route controller has not set up the node's network).", shape: z.boolean(), example: false },
  pressures: { description: "Pressure conditions that are True: MemoryPressure, DiskPressure, PIDPressure.", shape: StringList, example: ["MemoryPressure"] },
  isControlPlane: { description: "Labelled node-role.kubernetes.io/control-plane (or master).", shape: z.boolean(), example: false },
  podCount: { description: "Non-terminal pods scheduled on the node.", shape: z.number(), example: 14, requires: ["resources/nodes.json", "resources/pods.json"] },
  servingPodCount: { description: "Pods on the node that back at least one Service.", shape: z.number(), example: 6, requires: ["resources/nodes.json", "resources/pods.json", "resources/services.json"] },
  servingPods: { description: "Up to 20 of those serving pods, ns/name.", shape: StringList, example: ["shop/web-7d4b9c-x2k4q"], requires: ["resources/nodes.json", "resources/pods.json", "resources/services.json"] },
});

export const nodeFacts: FactBuilder = {
  layer: "node",
  facts,
  *build(model) {
    const serving = servingPods(model);
    for (const node of model.resources.nodes) yield nodeSubject(model, node, serving);
  },
};

/** Pods some Service selects (ExternalName aside), found namespace by namespace instead of pod by Service. */
function servingPods(model: ClusterModel): Set<Pod> {
  const selectorsByNs = new Map<string, Record<string, string>[]>();
  for (const s of model.resources.services) {
    if (s.spec.type === "ExternalName" || !s.spec.selector) continue;
    const ns = s.metadata.namespace ?? "default";
    const list = selectorsByNs.get(ns);
    if (list) list.push(s.spec.selector);
    else selectorsByNs.set(ns, [s.spec.selector]);
  }
  const serving = new Set<Pod>();
  for (const [ns, selectors] of selectorsByNs) {
    for (const pod of model.podsInNamespace(ns)) if (selectors.some((sel) => matchesServiceSelector(sel, pod.metadata.labels))) serving.add(pod);
  }
  return serving;
}

function condition(node: Node, type: string) {
  return (node.status.conditions ?? []).find((c) => c.type === type);
}

function nodeSubject(model: ClusterModel, node: Node, servingPods: Set<Pod>): SubjectFacts {
  const name = node.metadata.name;
  const ready = condition(node, "Ready");
  const netUnavailable = condition(node, "NetworkUnavailable");
  const pressures = ["MemoryPressure", "DiskPressure", "PIDPressure"].filter((t) => condition(node, t)?.status === "True");
  const pods = model.podsOnNode(name).filter((p) => !isPodTerminal(p));
  const serving = pods.filter((p) => servingPods.has(p));
  const conditionsEvidence = (type: string): Evidence[] => {
    const idx = (node.status.conditions ?? []).findIndex((c) => c.type === type);
    const c = node.status.conditions?.[idx];
    return c ? [model.evidence(node, `status.conditions[${idx}]`, `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""}`)] : [];
  };
  const nodeEvents = model.eventsFor("Node", undefined, name).filter((e) => e.type === "Warning" || /NotReady/.test(e.reason ?? ""));
  return {
    kind: "Node",
    subject: { kind: "Node", name },
    values: {
      "node.name": name,
      "node.labels": node.metadata.labels,
      "node.ready": ready?.status === "True",
      "node.readyReason": ready && ready.status !== "True" ? `${ready.reason ?? ready.status}: ${ready.message ?? ""}`.trim() : "",
      "node.networkUnavailable": netUnavailable?.status === "True",
      "node.pressures": pressures,
      "node.isControlPlane": "node-role.kubernetes.io/control-plane" in node.metadata.labels || "node-role.kubernetes.io/master" in node.metadata.labels,
      "node.podCount": pods.length,
      "node.servingPodCount": serving.length,
      "node.servingPods": serving.slice(0, 20).map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    },
    evidence: {
      "node.ready": [...conditionsEvidence("Ready"), ...nodeEvents.slice(0, 2).map((e) => model.evidence(e, undefined, `${e.reason}: ${e.message ?? ""}`))],
      "node.networkUnavailable": conditionsEvidence("NetworkUnavailable"),
      "node.pressures": pressures.flatMap(conditionsEvidence),
    },
    scope: pods.map(podRef),
  };
}
