/**
 * A snapshot model from objects written as `kubectl get -o yaml` prints them
 * (multi-document YAML), filed under resources/<plural>.json like the
 * collector does, plus optional log files.
 */
import { buildModel } from "../../src/model/build.js";
import type { ClusterModel } from "../../src/model/model.js";
import { policyFacts } from "../../src/facts/policy.js";
import type { SubjectFacts } from "../../src/facts/types.js";
import { yamlDocs } from "../helpers/manifests.js";

const PLURALS: Record<string, string> = {
  Pod: "pods", Service: "services", Namespace: "namespaces", NetworkPolicy: "networkpolicies", Ingress: "ingresses",
  IngressClass: "ingressclasses", DaemonSet: "daemonsets", Deployment: "deployments", Node: "nodes",
  CiliumNetworkPolicy: "ciliumnetworkpolicies", GlobalNetworkPolicy: "globalnetworkpolicies",
};

export function modelOf(yaml: string, logs: Record<string, string> = {}): ClusterModel {
  const byPlural = new Map<string, unknown[]>();
  for (const doc of yamlDocs(yaml)) {
    const plural = PLURALS[String(doc.kind)];
    if (!plural) throw new Error(`no resource file for kind ${String(doc.kind)}`);
    byPlural.set(plural, [...(byPlural.get(plural) ?? []), doc]);
  }
  // Every kind the facts read is "collected", even when empty.
  for (const plural of ["pods", "services", "namespaces", "networkpolicies", "ingresses", "ingressclasses", "daemonsets", "nodes", "ciliumnetworkpolicies", "globalnetworkpolicies"]) if (!byPlural.has(plural)) byPlural.set(plural, []);
  const files = new Map<string, Buffer>();
  for (const [plural, items] of byPlural) files.set(`resources/${plural}.json`, Buffer.from(JSON.stringify({ apiVersion: "v1", kind: "List", items })));
  for (const [path, text] of Object.entries(logs)) files.set(path, Buffer.from(text));
  return buildModel({ source: "test", warnings: [], files });
}

export function policySubjects(model: ClusterModel): SubjectFacts[] {
  return [...policyFacts.build(model)];
}

export function subject(model: ClusterModel, kind: string, key: string): Record<string, unknown> {
  const found = policySubjects(model).find((s) => s.kind === kind && `${s.subject.namespace ? `${s.subject.namespace}/` : ""}${s.subject.name}` === key);
  if (!found) throw new Error(`no ${kind} ${key}`);
  return found.values;
}

/** A running pod with an IP, as kubectl prints it (only the fields policies read). */
export function pod(ns: string, name: string, ip: string, labels: Record<string, string>, opts: { ports?: string; node?: string; hostNetwork?: boolean; phase?: string; env?: string; image?: string } = {}): string {
  return `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels: ${JSON.stringify(labels)}
spec:
  nodeName: ${opts.node ?? "node-1"}
  hostNetwork: ${opts.hostNetwork ?? false}
  containers:
  - name: main
    image: ${opts.image ?? "registry.example.com/app:1.0"}
    ports: ${opts.ports ?? "[]"}
    env: ${opts.env ?? "[]"}
status:
  phase: ${opts.phase ?? "Running"}
  podIP: ${ip}
  podIPs: [{ ip: ${ip} }]
  conditions: [{ type: Ready, status: "True" }]
`;
}

export function namespace(name: string, labels: Record<string, string> = {}): string {
  return `---
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: ${JSON.stringify({ "kubernetes.io/metadata.name": name, ...labels })}
status: { phase: Active }
`;
}

/** A calico-node agent pod, so the cluster's CNI enforces policy. */
export const CALICO = pod("kube-system", "calico-node-x7k2p", "10.0.0.11", { "k8s-app": "calico-node" }, { hostNetwork: true, image: "docker.io/calico/node:v3.28.2" });
