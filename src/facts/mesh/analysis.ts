/**
 * The mesh layer's analysis in one pass: Istio and Linkerd membership of
 * every running pod (and injection mismatches), the effective Istio mTLS mode
 * of meshed pods, STRICT servers with plaintext clients, and VirtualService /
 * DestinationRule checks. Pure: arrays of validated objects in, data out.
 */
import type { DestinationRule, PeerAuthentication, VirtualService } from "../../model/crds.js";
import type { Namespace, Pod, Service } from "../../model/k8s.js";
import { DEFAULT_ROOT_NAMESPACE, effectiveMtls, strictPlaintextRisks, type EffectiveMtls, type StrictPlaintextRisk } from "./mtls.js";
import { analyzeDestinationRule, analyzeVirtualService, DEFAULT_CLUSTER_DOMAIN, indexServicesByFqdn, type DestinationRuleAnalysis, type VirtualServiceAnalysis } from "./routing.js";
import { indexNamespaces, istioMembership, linkerdMembership, livePods, type IstioMembership, type LinkerdMembership } from "./sidecars.js";

export interface MeshInputs {
  pods: readonly Pod[];
  namespaces: readonly Namespace[];
  services: readonly Service[];
  peerAuthentications: readonly PeerAuthentication[];
  virtualServices: readonly VirtualService[];
  destinationRules: readonly DestinationRule[];
  /** meshConfig.rootNamespace (default istio-system). */
  rootNamespace?: string;
  /** The cluster DNS domain (default cluster.local). */
  clusterDomain?: string;
}

export interface MeshLayerAnalysis {
  istio: IstioMembership[];
  /** Pods Linkerd concerns: annotated for injection, or carrying its proxy. */
  linkerd: LinkerdMembership[];
  /** Effective mTLS of the pods in the Istio mesh. */
  mtls: EffectiveMtls[];
  strictPlaintext: StrictPlaintextRisk[];
  virtualServices: VirtualServiceAnalysis[];
  destinationRules: DestinationRuleAnalysis[];
}

export function analyzeMesh(input: MeshInputs): MeshLayerAnalysis {
  const root = input.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const pods = livePods(input.pods);
  const namespaces = indexNamespaces(input.namespaces);
  const nsOf = (p: Pod) => namespaces.get(p.metadata.namespace ?? "default");
  const istio = pods.map((p) => istioMembership(p, nsOf(p)));
  const members = new Map(istio.map((m) => [`${m.pod.namespace}/${m.pod.name}`, m]));
  const services = indexServicesByFqdn(input.services, input.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
  return {
    istio,
    linkerd: pods.map((p) => linkerdMembership(p, nsOf(p))).filter((l) => l.injectionExpected || l.proxy !== "none"),
    mtls: pods.filter((p) => members.get(`${p.metadata.namespace ?? "default"}/${p.metadata.name}`)?.inMesh).map((p) => effectiveMtls(p, input.peerAuthentications, root)),
    strictPlaintext: strictPlaintextRisks(pods, members, input.peerAuthentications, root),
    virtualServices: input.virtualServices.map((vs) => analyzeVirtualService(vs, input.destinationRules, services)),
    destinationRules: input.destinationRules.map((dr) => analyzeDestinationRule(dr, services, pods)),
  };
}
