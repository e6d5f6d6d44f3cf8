import { describe, expect, it } from "vitest";
import { Gateway, HTTPRoute, parseObjects, ReferenceGrant } from "../../src/model/crds.js";
import { GenericObject } from "../../src/model/k8s.js";

// Items as `kubectl get httproutes -A -o json` prints them (managedFields trimmed), first
// validated as GenericObject like every CRD the model builder loads.
const HTTPROUTES = {
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "shop", namespace: "store", generation: 3, resourceVersion: "91822", uid: "5f0c2d1e-8a8b-4f0a-9a51-2c5b2f1f6f10", creationTimestamp: "2026-09-30T10:12:40Z", annotations: null },
      spec: {
        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "shared-gw", namespace: "infra" }],
        hostnames: ["shop.example.com"],
        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ group: "", kind: "Service", name: "web", port: 8080, weight: 1 }], timeouts: { request: "10s" } }],
      },
      status: { parents: [] },
    },
    // a route without rules is valid (it matches nothing); status is absent before any controller saw it
    { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "empty", namespace: "store" }, spec: { parentRefs: [{ name: "shared-gw", namespace: "infra" }] } },
    // a backendRef whose port is a string does not fit the schema
    { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "bad", namespace: "store" }, spec: { rules: [{ backendRefs: [{ name: "web", port: "http" }] }] } },
  ],
};

describe("Gateway API schemas", () => {
  const generic = HTTPROUTES.items.map((i) => GenericObject.parse(i));

  it("parses kubectl's HTTPRoutes, keeps unknown fields, and skips (with a warning) the one that does not fit", () => {
    const { items, warnings } = parseObjects(HTTPRoute, generic, "resources/httproutes.json");
    expect(items.map((r) => r.metadata.name)).toEqual(["shop", "empty"]);
    expect(items[0]!.spec.rules![0]!.backendRefs![0]).toEqual({ group: "", kind: "Service", name: "web", port: 8080, weight: 1 });
    expect((items[0]!.spec.rules![0] as Record<string, unknown>)["timeouts"]).toEqual({ request: "10s" });
    expect(items[1]!.spec.rules).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^resources\/httproutes\.json: item 2 skipped: .*port/);
  });

  it("defaults a Gateway's listeners and a ReferenceGrant's lists to empty, but requires gatewayClassName", () => {
    expect(Gateway.parse({ metadata: { name: "gw", namespace: "infra" }, spec: { gatewayClassName: "eg" } }).spec.listeners).toEqual([]);
    expect(Gateway.safeParse({ metadata: { name: "gw", namespace: "infra" }, spec: { listeners: [] } }).success).toBe(false);
    expect(ReferenceGrant.parse({ metadata: { name: "g", namespace: "payments" }, spec: {} }).spec).toEqual({ from: [], to: [] });
  });
});
