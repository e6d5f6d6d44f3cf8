/**
 * Gateway API facts on the generated fixtures (real `kubectl get -o json`
 * shapes of Envoy Gateway objects), and on the same snapshots with a file
 * left out or a status stripped: the controller's status is trusted where it
 * exists, the objects speak where it does not, and a file that was not
 * collected never turns into a fault.
 */
import { describe, expect, it } from "vitest";
import { computeFacts } from "../../src/facts/index.js";
import { gatewayFacts } from "../../src/facts/gateway.js";
import { buildModel } from "../../src/model/build.js";
import { readSnapshot } from "../../src/snapshot/reader.js";
import { fixturePath } from "../helpers/fixtures.js";

type Obj = Record<string, unknown>;

async function routeFacts(fixture: string, edit: (files: Map<string, Buffer>) => void = () => {}) {
  const snapshot = await readSnapshot(fixturePath(fixture));
  edit(snapshot.files);
  const subjects = computeFacts(buildModel(snapshot), [gatewayFacts]);
  return (name: string) => subjects.find((s) => s.kind === "HTTPRoute" && s.subject.name === name)!.values;
}

function editList(files: Map<string, Buffer>, plural: string, edit: (items: Obj[]) => Obj[]): void {
  const path = `resources/${plural}.json`;
  const list = JSON.parse(files.get(path)!.toString("utf8")) as { items: Obj[] };
  files.set(path, Buffer.from(JSON.stringify({ ...list, items: edit(list.items) })));
}

describe("HTTPRoute attachment", () => {
  it("reports the controller's NotAllowedByListeners with the listener's namespace selector and the route namespace's labels", async () => {
    const facts = await routeFacts("gateway-route-not-attached");
    expect(facts("blog")["gateway.attachmentProblems"]).toEqual([
      {
        ref: "Gateway infra/public (sectionName https)",
        reason: "NotAllowedByListeners",
        detail: expect.stringMatching(/from namespace blog \(team=blog\): https \(HTTPS\/443 \*\.example\.com, routes from Selector gateway-access=true\)$/),
      },
    ]);
    expect(facts("storefront")["gateway.attachmentProblems"]).toEqual([]);
  });

  it("derives the same reason from the objects when no controller wrote status", async () => {
    const facts = await routeFacts("gateway-route-not-attached", (files) =>
      editList(files, "httproutes", (items) => items.map((r) => ((r.metadata as Obj).name === "blog" ? { ...r, status: { parents: [] } } : r))),
    );
    expect(facts("blog")["gateway.attachmentProblems"]).toEqual([expect.objectContaining({ reason: "NotAllowedByListeners" })]);
  });

  it("trusts Accepted=True over a derivation missing data (namespace labels not collected)", async () => {
    const facts = await routeFacts("healthy-gateway", (files) => files.delete("resources/namespaces.json"));
    expect(facts("storefront")["gateway.attachmentProblems"]).toEqual([]);
  });

  it("names a sectionName no listener has, with the listeners that exist", async () => {
    const facts = await routeFacts("healthy-gateway", (files) =>
      editList(files, "httproutes", (items) =>
        items.map((r) => {
          if ((r.metadata as Obj).name !== "storefront") return r;
          const spec = r.spec as Obj;
          return { ...r, spec: { ...spec, parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "infra", sectionName: "websecure" }] }, status: { parents: [] } };
        }),
      ),
    );
    expect(facts("storefront")["gateway.attachmentProblems"]).toEqual([
      { ref: "Gateway infra/public (sectionName websecure)", reason: "NoMatchingParent", detail: expect.stringContaining("has no listener named websecure; its listeners: http (HTTP/80") },
    ]);
  });

  it("does not call a Gateway missing when gateways.json was not collected", async () => {
    const facts = await routeFacts("gateway-route-not-attached", (files) => {
      files.delete("resources/gateways.json");
      editList(files, "httproutes", (items) => items.map((r) => ({ ...r, status: { parents: [] } })));
    });
    expect(facts("blog")["gateway.attachmentProblems"]).toEqual([]);
  });
});

describe("HTTPRoute backendRefs", () => {
  it("finds a cross-namespace backend no ReferenceGrant allows, and accepts the one a grant names", async () => {
    const facts = await routeFacts("gateway-backend-not-permitted");
    expect(facts("refunds")["gateway.backendProblems"]).toEqual([
      { ref: "Service payments/payments-internal:443", reason: "RefNotPermitted", detail: "no ReferenceGrant in namespace payments allows HTTPRoutes from namespace shop to reference Service payments-internal" },
    ]);
    expect(facts("payments-checkout")["gateway.backendProblems"]).toEqual([]);
  });

  it("without referencegrants.json judges cross-namespace references by the controller's status only", async () => {
    const facts = await routeFacts("gateway-backend-not-permitted", (files) => files.delete("resources/referencegrants.json"));
    expect(facts("payments-checkout")["gateway.backendProblems"]).toEqual([]);
    expect(facts("refunds")["gateway.backendProblems"]).toEqual([
      { ref: "(status for Gateway infra/public (sectionName https))", reason: "RefNotPermitted", detail: "Backend ref to Service payments/payments-internal not permitted by any ReferenceGrant." },
    ]);
  });

  it("finds a backend port the Service does not expose", async () => {
    const facts = await routeFacts("healthy-gateway", (files) =>
      editList(files, "httproutes", (items) =>
        items.map((r) => {
          if ((r.metadata as Obj).name !== "storefront") return r;
          const spec = r.spec as Obj;
          return { ...r, spec: { ...spec, rules: [{ backendRefs: [{ group: "", kind: "Service", name: "web", port: 8080, weight: 1 }] }] } };
        }),
      ),
    );
    expect(facts("storefront")["gateway.backendProblems"]).toEqual([{ ref: "Service shop/web:8080", reason: "PortNotExposed", detail: "Service shop/web exposes http:80/TCP" }]);
    expect(facts("storefront")["gateway.backendServices"]).toEqual([{ kind: "Service", namespace: "shop", name: "web" }]);
  });
});

describe("HTTPRoute backends without ready endpoints", () => {
  /** The storefront route of healthy-gateway with other backendRefs. */
  const storefrontBackends = (backendRefs: Obj[]) => (files: Map<string, Buffer>) =>
    editList(files, "httproutes", (items) =>
      items.map((r) => ((r.metadata as Obj).name === "storefront" ? { ...r, spec: { ...(r.spec as Obj), rules: [{ backendRefs, matches: [{ path: { type: "PathPrefix", value: "/" } }] }] } } : r)),
    );

  it("reports the share of the rule a crash-looping canary receives, with the route's namespace as the default", async () => {
    const facts = await routeFacts("gateway-backend-no-endpoints");
    expect(facts("storefront-beta")["gateway.endpointlessBackends"]).toEqual([{ service: "shop/web-canary", port: 80, rule: "rules[0] (PathPrefix /)", trafficPercent: 10, notReadyEndpoints: 1 }]);
    expect(facts("storefront-beta")["gateway.servicesWithoutEndpoints"]).toEqual([{ kind: "Service", namespace: "shop", name: "web-canary" }]);
    expect(facts("storefront")["gateway.servicesWithoutEndpoints"]).toEqual([]);
  });

  it("ignores a backendRef with weight 0: it receives no requests", async () => {
    const facts = await routeFacts(
      "gateway-backend-no-endpoints",
      storefrontBackends([
        { group: "", kind: "Service", name: "web", port: 80, weight: 1 },
        { group: "", kind: "Service", name: "web-canary", port: 80, weight: 0 },
      ]),
    );
    expect(facts("storefront")["gateway.servicesWithoutEndpoints"]).toEqual([]);
  });

  it("finds a selector-less Service in a granted namespace whose Endpoints list nothing", async () => {
    const facts = await routeFacts("healthy-gateway", (files) => {
      editList(files, "services", (items) => items.map((s) => ((s.metadata as Obj).name === "payments" ? { ...s, spec: { ...(s.spec as Obj), selector: undefined } } : s)));
      editList(files, "endpoints", (items) => items.map((e) => ((e.metadata as Obj).name === "payments" ? { ...e, subsets: [] } : e)));
      files.delete("resources/endpointslices.json");
    });
    expect(facts("payments-checkout")["gateway.endpointlessBackends"]).toEqual([{ service: "payments/payments", port: 443, rule: "rules[0] (PathPrefix /checkout)", trafficPercent: 100, notReadyEndpoints: 0 }]);
  });

  it("leaves unresolved backendRefs (RefNotPermitted) and ExternalName Services to other checks", async () => {
    expect((await routeFacts("gateway-backend-not-permitted"))("refunds")["gateway.servicesWithoutEndpoints"]).toEqual([]);
    // An ExternalName Service has no endpoints by design (nothing maintains any).
    const facts = await routeFacts("healthy-gateway", (files) => {
      editList(files, "services", (items) => items.map((s) => ((s.metadata as Obj).name === "web" ? { ...s, spec: { type: "ExternalName", externalName: "web.legacy.example.com", ports: [{ name: "http", port: 80, protocol: "TCP" }] } } : s)));
      editList(files, "endpoints", (items) => items.filter((e) => (e.metadata as Obj).name !== "web"));
      files.delete("resources/endpointslices.json");
    });
    expect(facts("storefront")["gateway.servicesWithoutEndpoints"]).toEqual([]);
  });
});

describe("Gateway faults", () => {
  async function gatewayValues(fixture: string, edit: (files: Map<string, Buffer>) => void = () => {}) {
    const snapshot = await readSnapshot(fixturePath(fixture));
    edit(snapshot.files);
    const subjects = computeFacts(buildModel(snapshot), [gatewayFacts]);
    return (name: string) => subjects.find((s) => s.kind === "Gateway" && s.subject.name === name)!.values;
  }
  const cond = (type: string, status: string, reason: string, message: string) => ({ lastTransitionTime: "2026-11-22T08:12:41Z", message, observedGeneration: 1, reason, status, type });
  /** The public Gateway of healthy-gateway with its https listener's status conditions replaced. */
  const httpsListenerStatus = (conditions: Obj[]) => (files: Map<string, Buffer>) =>
    editList(files, "gateways", (items) =>
      items.map((g) => {
        const status = g.status as { listeners: Obj[] };
        return { ...g, status: { ...status, listeners: status.listeners.map((l) => (l.name === "https" ? { ...l, conditions } : l)) } };
      }),
    );

  it("lists a listener's specific fault with the controller's message, not the generic Programmed=False beside it", async () => {
    const values = await gatewayValues(
      "healthy-gateway",
      httpsListenerStatus([cond("Conflicted", "True", "ProtocolConflict", "All listener protocols for a given port must be compatible"), cond("Programmed", "False", "Invalid", "Listener is invalid, see other Conditions for details.")]),
    );
    expect(values("public")["gateway.listenerProblems"]).toEqual([{ listener: "https", problem: "Conflicted=True ProtocolConflict", detail: "All listener protocols for a given port must be compatible" }]);
  });

  it("trusts a listener the controller programmed, even with some certificates unresolved", async () => {
    const values = await gatewayValues(
      "healthy-gateway",
      httpsListenerStatus([cond("ResolvedRefs", "False", "PartiallyInvalidCertificateRef", "Secret infra/old-tls does not exist."), cond("Programmed", "True", "Programmed", "Sending translated listener configuration to the data plane")]),
    );
    expect(values("public")["gateway.listenerProblems"]).toEqual([]);
  });

  it("checks certificateRefs against secrets.tsv only where the controller wrote no ResolvedRefs verdict", async () => {
    const dropSecret = (files: Map<string, Buffer>) => files.set("resources/secrets.tsv", Buffer.from(""));
    expect((await gatewayValues("healthy-gateway", dropSecret))("public")["gateway.listenerProblems"]).toEqual([]);
    const resolvedOnly = await gatewayValues("healthy-gateway", (files) => {
      dropSecret(files);
      httpsListenerStatus([cond("ResolvedRefs", "True", "ResolvedRefs", "Listener references have been resolved")])(files);
    });
    expect(resolvedOnly("public")["gateway.listenerProblems"]).toEqual([]);
    const values = await gatewayValues("healthy-gateway", (files) => {
      dropSecret(files);
      editList(files, "gateways", (items) => items.map((g) => ({ ...g, status: {} })));
    });
    expect(values("public")["gateway.listenerProblems"]).toEqual([{ listener: "https", problem: "certificateRef infra/public-tls: missing", detail: "Secret infra/public-tls is not in secrets.tsv" }]);
  });

  it("reports the Gateway's own Accepted/Programmed=False, leaving ListenersNotValid to the listeners", async () => {
    const withConditions = (conditions: Obj[]) => (files: Map<string, Buffer>) => editList(files, "gateways", (items) => items.map((g) => ({ ...g, status: { ...(g.status as Obj), conditions } })));
    const values = await gatewayValues("healthy-gateway", withConditions([cond("Accepted", "True", "Accepted", "The Gateway has been scheduled by Envoy Gateway"), cond("Programmed", "False", "AddressNotAssigned", "No addresses have been assigned to the Gateway")]));
    expect(values("public")["gateway.conditionProblems"]).toEqual([{ condition: "Programmed", reason: "AddressNotAssigned", message: "No addresses have been assigned to the Gateway" }]);
    const listenersOnly = await gatewayValues("healthy-gateway", withConditions([cond("Accepted", "False", "ListenersNotValid", "Gateway has no valid listeners")]));
    expect(listenersOnly("public")["gateway.conditionProblems"]).toEqual([]);
  });

  it("calls the class not accepted only while the Gateway is neither Accepted nor Programmed", async () => {
    const classRejected = (files: Map<string, Buffer>) =>
      editList(files, "gatewayclasses", (items) => items.map((c) => ({ ...c, status: { conditions: [cond("Accepted", "False", "InvalidParameters", "Invalid parametersRef")] } })));
    expect((await gatewayValues("healthy-gateway", classRejected))("public")["gateway.classProblem"]).toBe("");
    const values = await gatewayValues("healthy-gateway", (files) => {
      classRejected(files);
      editList(files, "gateways", (items) => items.map((g) => ({ ...g, status: {} })));
    });
    expect(values("public")["gateway.classProblem"]).toBe("not-accepted");
    expect(values("public")["gateway.classDetail"]).toBe("GatewayClass eg is Accepted=False (InvalidParameters: Invalid parametersRef)");
  });

  it("names a GatewayClass that does not exist, and says nothing without gatewayclasses.json", async () => {
    expect((await gatewayValues("gateway-class-not-found"))("internal")["gateway.classDetail"]).toBe("GatewayClass envoy-gateway does not exist");
    expect((await gatewayValues("gateway-class-not-found", (files) => files.delete("resources/gatewayclasses.json")))("internal")["gateway.classProblem"]).toBe("");
  });
});
