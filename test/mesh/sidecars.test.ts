import { describe, expect, it } from "vitest";
import { istioMembership, linkerdMembership, proxyPresence } from "../../src/facts/mesh/sidecars.js";
import { meshPod, namespace } from "./_pods.js";

describe("Istio sidecar presence", () => {
  it("finds istio-proxy as a container or as a native sidecar init container, not as a plain init container", () => {
    expect(proxyPresence(meshPod("web-1", "shop", { proxy: "istio" }), "istio-proxy")).toBe("container");
    expect(proxyPresence(meshPod("web-1", "shop", { proxy: "istio-native" }), "istio-proxy")).toBe("native-sidecar");
    expect(proxyPresence(meshPod("web-1", "shop"), "istio-proxy")).toBe("none");
  });
});

describe("Istio injection policy and mismatches", () => {
  const enabled = namespace("shop", { "istio-injection": "enabled" });
  const revision = namespace("shop", { "istio.io/rev": "1-20-1" });
  const plain = namespace("tools");
  const disabled = namespace("legacy", { "istio-injection": "disabled" });

  const cases: [string, ReturnType<typeof meshPod>, ReturnType<typeof namespace>, boolean, string | undefined, RegExp][] = [
    ["injected pod in an enabled namespace", meshPod("web-1", "shop", { proxy: "istio" }), enabled, true, undefined, /istio-injection=enabled/],
    ["pod created before the namespace was labelled", meshPod("web-2", "shop"), enabled, true, "sidecar-missing", /istio-injection=enabled/],
    ["revision label enables injection", meshPod("web-3", "shop"), revision, true, "sidecar-missing", /istio\.io\/rev=1-20-1/],
    ["pod label opts out in an enabled namespace", meshPod("job-1", "shop", { labels: { "sidecar.istio.io/inject": "false" } }), enabled, false, undefined, /pod label/],
    ["legacy annotation opts out", meshPod("job-2", "shop", { annotations: { "sidecar.istio.io/inject": "false" } }), enabled, false, undefined, /pod annotation/],
    ["pod label opts in without a namespace label", meshPod("api-1", "tools", { labels: { "sidecar.istio.io/inject": "true" } }), plain, true, "sidecar-missing", /pod label sidecar.istio.io\/inject=true/],
    ["legacy annotation alone does not opt in", meshPod("api-2", "tools", { annotations: { "sidecar.istio.io/inject": "true" } }), plain, false, undefined, /not labelled/],
    ["a disabled namespace beats the pod label", meshPod("old-1", "legacy", { labels: { "sidecar.istio.io/inject": "true" }, proxy: "istio" }), disabled, false, "sidecar-unexpected", /istio-injection=disabled/],
    ["sidecar left over after the label was removed", meshPod("web-9", "tools", { proxy: "istio" }), plain, false, "sidecar-unexpected", /not labelled/],
    ["hostNetwork pods are never injected", meshPod("agent-1", "shop", { hostNetwork: true }), enabled, false, undefined, /hostNetwork/],
    ["kube-system is never injected, whatever its labels", meshPod("coredns-1", "kube-system"), namespace("kube-system", { "istio-injection": "enabled" }), false, undefined, /ignores namespace kube-system/],
    ["any non-true annotation value opts out (injectRequired)", meshPod("job-3", "shop", { annotations: { "sidecar.istio.io/inject": "no" } }), enabled, false, undefined, /pod annotation sidecar.istio.io\/inject=no/],
    ["the label wins over the annotation", meshPod("job-4", "shop", { labels: { "sidecar.istio.io/inject": "true" }, annotations: { "sidecar.istio.io/inject": "false" } }), enabled, true, "sidecar-missing", /istio-injection=enabled/],
    ["a pod revision label opts in without a namespace label", meshPod("api-3", "tools", { labels: { "istio.io/rev": "canary" } }), plain, true, "sidecar-missing", /pod label istio.io\/rev=canary/],
  ];
  for (const [name, pod, ns, expected, mismatch, why] of cases) {
    it(name, () => {
      const m = istioMembership(pod, ns);
      expect(m.injectionExpected).toBe(expected);
      expect(m.mismatch).toBe(mismatch);
      expect(m.decidedBy).toMatch(why);
    });
  }

  it("reports the revision only when it decides injection (istio-injection=enabled selects the default revision)", () => {
    expect(istioMembership(meshPod("a", "shop", { proxy: "istio" }), revision).revision).toBe("1-20-1");
    expect(istioMembership(meshPod("a", "shop", { proxy: "istio" }), namespace("shop", { "istio-injection": "enabled", "istio.io/rev": "canary" })).revision).toBeUndefined();
  });

  it("never calls a gateway's istio-proxy unexpected", () => {
    const gw = meshPod("istio-ingressgateway-6c8d9f7b5-q7x2m", "istio-system", {
      proxy: "istio",
      labels: { app: "istio-ingressgateway", istio: "ingressgateway", "sidecar.istio.io/inject": "false" },
    });
    const m = istioMembership(gw, namespace("istio-system"));
    expect(m).toMatchObject({ gateway: true, inMesh: true });
    expect(m.mismatch).toBeUndefined();
  });

  it("counts ambient pods as in the mesh without a sidecar, unless they opt out", () => {
    const ambient = namespace("shop", { "istio.io/dataplane-mode": "ambient" });
    expect(istioMembership(meshPod("web-1", "shop"), ambient)).toMatchObject({ ambient: true, inMesh: true, injectionExpected: false });
    expect(istioMembership(meshPod("web-1", "shop", { labels: { "istio.io/dataplane-mode": "none" } }), ambient)).toMatchObject({ ambient: false, inMesh: false });
  });
});

describe("Linkerd injection", () => {
  const meshed = namespace("emojivoto", {}, { "linkerd.io/inject": "enabled" });

  it("expects linkerd-proxy where the namespace or pod annotation enables injection", () => {
    expect(linkerdMembership(meshPod("web-1", "emojivoto", { proxy: "linkerd" }), meshed)).toMatchObject({ proxy: "container", injectionExpected: true });
    expect(linkerdMembership(meshPod("web-2", "emojivoto"), meshed)).toMatchObject({ injectionExpected: true, mismatch: "proxy-missing" });
    expect(linkerdMembership(meshPod("api-1", "tools", { annotations: { "linkerd.io/inject": "enabled" } }), namespace("tools"))).toMatchObject({ mismatch: "proxy-missing", decidedBy: "pod annotation linkerd.io/inject=enabled" });
  });

  it("lets the pod annotation opt out of an injected namespace, and flags a proxy where injection is disabled", () => {
    const m = linkerdMembership(meshPod("job-1", "emojivoto", { annotations: { "linkerd.io/inject": "disabled" } }), meshed);
    expect(m).toMatchObject({ injectionExpected: false });
    expect(m.mismatch).toBeUndefined();
    expect(linkerdMembership(meshPod("old-1", "legacy", { proxy: "linkerd" }), namespace("legacy", {}, { "linkerd.io/inject": "disabled" })).mismatch).toBe("proxy-unexpected");
  });

  it("knows the namespaces the Linkerd webhook skips", () => {
    const skipped = namespace("legacy", { "config.linkerd.io/admission-webhooks": "disabled" }, { "linkerd.io/inject": "enabled" });
    expect(linkerdMembership(meshPod("web-1", "legacy"), skipped)).toMatchObject({ injectionExpected: false, decidedBy: "the Linkerd injector skips namespace legacy" });
    expect(linkerdMembership(meshPod("coredns-1", "kube-system"), namespace("kube-system", {}, { "linkerd.io/inject": "enabled" })).mismatch).toBeUndefined();
  });

  it("stays quiet about pods Linkerd does not concern", () => {
    const m = linkerdMembership(meshPod("web-1", "tools"), namespace("tools"));
    expect(m).toMatchObject({ proxy: "none", injectionExpected: false });
    expect(m.mismatch).toBeUndefined();
  });
});
