/**
 * Resource files of APIs a cluster serves only when they are installed (CRDs:
 * Gateway API, Istio, CNI policies). SPEC §1: a missing file means "not
 * collected", never "the cluster has none". Such a file's absence means "not
 * installed" only when manifest.json's `apis` says discovery was asked and the
 * cluster does not serve the resource; a hand-made or older snapshot does not
 * say, and then the checks needing the file could not run.
 */
import type { ClusterModel, Manifest } from "./model.js";

/** File → the resource names the collector looks up (`kubectl api-resources -o name`); any one served will do. */
const OPTIONAL_APIS: Readonly<Record<string, readonly string[]>> = {
  "resources/gateways.json": ["gateways.gateway.networking.k8s.io"],
  "resources/httproutes.json": ["httproutes.gateway.networking.k8s.io"],
  "resources/gatewayclasses.json": ["gatewayclasses.gateway.networking.k8s.io"],
  "resources/referencegrants.json": ["referencegrants.gateway.networking.k8s.io"],
  "resources/peerauthentications.json": ["peerauthentications.security.istio.io"],
  "resources/virtualservices.json": ["virtualservices.networking.istio.io"],
  "resources/destinationrules.json": ["destinationrules.networking.istio.io"],
  "resources/ciliumnetworkpolicies.json": ["ciliumnetworkpolicies.cilium.io"],
  // The CRD, or the same objects through the Calico API server.
  "resources/globalnetworkpolicies.json": ["globalnetworkpolicies.crd.projectcalico.org", "globalnetworkpolicies.projectcalico.org"],
};

type ApiStatus = "served" | "not-served" | "unknown";

/** What the manifest says of the API behind a file; undefined for files of APIs every cluster serves. */
function optionalApiStatus(manifest: Manifest | undefined, file: string): ApiStatus | undefined {
  const names = OPTIONAL_APIS[file];
  if (!names) return undefined;
  const apis = manifest?.apis;
  if (!apis) return "unknown";
  if (names.some((n) => apis.served.includes(n))) return "served";
  return names.every((n) => apis.checked.includes(n)) ? "not-served" : "unknown";
}

/**
 * Nothing is missing: the file is in the snapshot, or the manifest says the
 * cluster does not serve its API (so its absence means "there are none").
 */
export function accountedFor(model: ClusterModel, file: string): boolean {
  return model.has(file) || optionalApiStatus(model.manifest, file) === "not-served";
}

/** Why a file is missing: the collector's own account (errors, unavailable steps), else what the manifest says of its API. */
export function whyMissing(model: ClusterModel, file: string): string | undefined {
  return model.missingReason(file) ?? optionalApiGap(model.manifest, file);
}

/** An optional API's file is missing and the manifest does not say it is unserved: it does not say at all, or says it is served. */
function optionalApiGap(manifest: Manifest | undefined, file: string): string | undefined {
  const status = optionalApiStatus(manifest, file);
  const names = OPTIONAL_APIS[file]?.join(" or ");
  if (status === "unknown") {
    return `${manifest ? "manifest.json does not record" : "no manifest.json records"} whether the cluster serves ${names}: a hand-made or older snapshot`;
  }
  if (status === "served") return `manifest.json says the cluster serves ${names}, yet the file is not in the snapshot`;
  return undefined;
}
