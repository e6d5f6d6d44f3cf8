import { describe, expect, it } from "vitest";
import { PeerAuthentication } from "../../src/model/crds.js";
import { bypassesSidecar, effectiveMtls } from "../../src/facts/mesh/mtls.js";
import { ofKind, yamlDocs } from "../helpers/manifests.js";
import { meshPod } from "./_pods.js";

// Policies in the shapes of istio.io's "Mutual TLS Migration" and PeerAuthentication reference.
const POLICIES = `
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system, creationTimestamp: "2026-10-01T09:00:00Z"}
spec:
  mtls: {mode: PERMISSIVE}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: finance, creationTimestamp: "2026-10-02T09:00:00Z"}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ledger, namespace: finance, creationTimestamp: "2026-10-03T09:00:00Z"}
spec:
  selector:
    matchLabels: {app: ledger}
  mtls: {mode: UNSET}
  portLevelMtls:
    9090: {mode: DISABLE}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: legacy, namespace: finance, creationTimestamp: "2026-10-04T09:00:00Z"}
spec:
  selector:
    matchLabels: {app: legacy}
  mtls: {mode: PERMISSIVE}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: legacy-newer, namespace: finance, creationTimestamp: "2026-10-05T09:00:00Z"}
spec:
  selector:
    matchLabels: {app: legacy}
  mtls: {mode: STRICT}
`;
const policies = ofKind(yamlDocs(POLICIES), "PeerAuthentication", PeerAuthentication);

describe("effective PeerAuthentication mode", () => {
  it("takes the mesh-wide policy when nothing more specific applies, and PERMISSIVE with no policy at all", () => {
    expect(effectiveMtls(meshPod("web-1", "shop", { proxy: "istio" }), policies)).toMatchObject({ mode: "PERMISSIVE", decidedBy: { namespace: "istio-system", name: "default" } });
    const none = effectiveMtls(meshPod("web-1", "shop", { proxy: "istio" }), []);
    expect(none.mode).toBe("PERMISSIVE");
    expect(none.decidedBy).toBeUndefined();
  });

  it("lets the namespace policy override the mesh, and an UNSET workload policy inherit it while setting port modes", () => {
    expect(effectiveMtls(meshPod("payments-1", "finance", { proxy: "istio" }), policies)).toMatchObject({ mode: "STRICT", decidedBy: { namespace: "finance", name: "default" } });
    const ledger = effectiveMtls(meshPod("ledger-1", "finance", { proxy: "istio" }), policies);
    expect(ledger).toMatchObject({ mode: "STRICT", decidedBy: { name: "default" }, portModes: { "9090": "DISABLE" } });
    expect(ledger.levels.map((l) => [l.level, l.policy.name, l.mode])).toEqual([
      ["mesh", "default", "PERMISSIVE"],
      ["namespace", "default", "STRICT"],
      ["workload", "ledger", "UNSET"],
    ]);
  });

  it("uses the oldest of two workload policies selecting the same pod", () => {
    expect(effectiveMtls(meshPod("legacy-1", "finance", { proxy: "istio" }), policies)).toMatchObject({ mode: "PERMISSIVE", decidedBy: { name: "legacy" } });
  });

  it("ignores a selector policy of another namespace", () => {
    const other = ofKind(yamlDocs(POLICIES.replaceAll("namespace: finance", "namespace: shop")), "PeerAuthentication", PeerAuthentication);
    expect(effectiveMtls(meshPod("ledger-1", "finance", { proxy: "istio" }), other).levels.map((l) => l.level)).toEqual(["mesh"]);
  });

  it("reads includeInboundPorts as the only ports intercepted (\"\" none, * all)", () => {
    const none = effectiveMtls(meshPod("ingress-1", "finance", { proxy: "istio", annotations: { "traffic.sidecar.istio.io/includeInboundPorts": "" } }), policies);
    expect(bypassesSidecar(none, 443)).toBe(true);
    const some = effectiveMtls(meshPod("ingress-1", "finance", { proxy: "istio", annotations: { "traffic.sidecar.istio.io/includeInboundPorts": "8080" } }), policies);
    expect([bypassesSidecar(some, 8080), bypassesSidecar(some, 9090)]).toEqual([false, true]);
    const all = effectiveMtls(meshPod("ingress-1", "finance", { proxy: "istio", annotations: { "traffic.sidecar.istio.io/includeInboundPorts": "*" } }), policies);
    expect(bypassesSidecar(all, 9090)).toBe(false);
  });

  it("reads excludeInboundPorts as ports that bypass the sidecar", () => {
    const pod = meshPod("payments-1", "finance", { proxy: "istio", annotations: { "traffic.sidecar.istio.io/excludeInboundPorts": "8081, 9000,abc" } });
    expect(effectiveMtls(pod, policies).bypassedPorts).toEqual([8081, 9000]);
  });
});
