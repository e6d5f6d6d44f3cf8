/** Derived views of a Pod that several layers need, with Kubernetes semantics. */
import type { Container, ContainerStatus, Pod } from "./k8s.js";

export function isPodReady(pod: Pod): boolean {
  return (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** Succeeded/Failed pods never back a Service (the endpoints controller skips them). */
export function isPodTerminal(pod: Pod): boolean {
  return pod.status.phase === "Succeeded" || pod.status.phase === "Failed";
}

export function isPodTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp != null;
}

/** Containers that serve traffic: app containers plus native sidecars (init containers with restartPolicy Always). */
export function servingContainers(pod: Pod): Container[] {
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  return [...pod.spec.containers, ...sidecars];
}

export interface DeclaredPort {
  container: string;
  name?: string;
  port: number;
  protocol: string;
}

export function declaredPorts(pod: Pod): DeclaredPort[] {
  const out: DeclaredPort[] = [];
  for (const c of servingContainers(pod)) {
    for (const p of c.ports ?? []) {
      const d: DeclaredPort = { container: c.name, port: p.containerPort, protocol: p.protocol ?? "TCP" };
      if (p.name) d.name = p.name;
      out.push(d);
    }
  }
  return out;
}

export function formatPort(p: DeclaredPort): string {
  return `${p.name ? `${p.name}:` : ""}${p.port}/${p.protocol}`;
}

export function allContainerStatuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
}

export function podRef(pod: Pod): { kind: "Pod"; namespace: string; name: string } {
  return { kind: "Pod", namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name };
}
