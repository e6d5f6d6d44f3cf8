/**
 * Optional APIs (Gateway API, Istio, CNI policy CRDs) and SPEC §1's "a missing
 * file means not collected, never the cluster has none". A snapshot whose
 * manifest says the cluster does not serve an API has nothing to check there;
 * a hand-made or older snapshot that lacks the file and does not say is
 * reported as a coverage gap naming the file and why.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/diagnose.js";
import type { Report, SkippedRule } from "../../src/types/report.js";
import { builtinRules, diagnoseFixture } from "../helpers/fixtures.js";
import { fixtureEntries, scratchDir } from "./snapshots.js";

type Manifest = Record<string, unknown>;

/**
 * A fixture as someone would assemble it by hand: some files left out, and the
 * manifest edited (older collector) or dropped (`manifest: null`).
 */
async function handMade(fixture: string, { drop = [], manifest }: { drop?: string[]; manifest?: ((m: Manifest) => void) | null }): Promise<Report> {
  const dir = await scratchDir();
  for (const [name, body] of await fixtureEntries(fixture)) {
    if (drop.includes(name) || (name === "manifest.json" && manifest === null)) continue;
    let content: Buffer | string = body;
    if (name === "manifest.json" && manifest) {
      const m = JSON.parse(body.toString("utf8")) as Manifest;
      manifest(m);
      content = JSON.stringify(m, null, 2);
    }
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return diagnose(dir, await builtinRules());
}

/** What an older collector wrote: everything but the `apis` record. */
const withoutApis = (m: Manifest) => delete m.apis;

const skippedIn = (report: Report, layer: string): SkippedRule[] => report.coverage.rulesSkipped.filter((s) => s.cause.startsWith(`${layer}.`));
const byRule = (skipped: SkippedRule[]) => Object.fromEntries(skipped.map((s) => [s.ruleId, s.missing]));
const skippedRule = (report: Report, ruleId: string) => report.coverage.rulesSkipped.find((s) => s.ruleId === ruleId);

/** The Gateway API rules and the file each needs: routes for the HTTPRoute rules, gateways for the Gateway ones. */
const GATEWAY_RULES = {
  "gateway-httproute-not-attached": "resources/httproutes.json",
  "gateway-httproute-backend-no-endpoints": "resources/httproutes.json",
  "gateway-listener-invalid": "resources/gateways.json",
  "gateway-not-programmed": "resources/gateways.json",
};

describe("a snapshot of a cluster without Gateway API or Istio, whose manifest says so", () => {
  it("has no Gateway or mesh coverage gap: those rules had nothing to check", async () => {
    const report = await diagnoseFixture("healthy");
    expect(report.coverage.rulesSkipped).toEqual([]);
    expect(report.findings.filter((f) => f.layer === "gateway" || f.layer === "mesh")).toEqual([]);
  });
});

describe("a hand-made snapshot without the Gateway API and Istio files", () => {
  it("from an older collector (no apis in manifest.json): the gateway and Istio rules are listed as skipped, with the file and why", async () => {
    const report = await handMade("healthy", { manifest: withoutApis });
    const unrecorded = (api: string) => `manifest.json does not record whether the cluster serves ${api}: a hand-made or older snapshot`;
    expect(byRule(skippedIn(report, "gateway"))).toEqual(GATEWAY_RULES);
    expect(skippedRule(report, "gateway-httproute-not-attached")).toEqual({
      ruleId: "gateway-httproute-not-attached", cause: "gateway.route-not-attached", missing: "resources/httproutes.json", reason: unrecorded("httproutes.gateway.networking.k8s.io"),
    });
    expect(skippedRule(report, "gateway-not-programmed")?.reason).toBe(unrecorded("gateways.gateway.networking.k8s.io"));
    expect(byRule(skippedIn(report, "mesh"))).toEqual({
      "mesh-mtls-strict-plaintext-clients": "resources/peerauthentications.json",
      "mesh-mtls-strict-unmeshed-namespaces": "resources/peerauthentications.json",
      "mesh-virtualservice-subset-undefined": "resources/virtualservices.json",
      "mesh-virtualservice-weights-invalid": "resources/virtualservices.json",
      "mesh-destinationrule-failover-without-outlier-detection": "resources/destinationrules.json",
    });
    expect(skippedIn(report, "mesh").find((s) => s.ruleId === "mesh-virtualservice-weights-invalid")?.reason).toBe(unrecorded("virtualservices.networking.istio.io"));
    // Sidecar injection needs only pods and namespaces: it still runs.
    expect(report.coverage.rulesSkipped.map((s) => s.ruleId)).not.toContain("mesh-sidecar-not-injected");
    // Nothing else is lost: the rest of the rules ran as on the collector's snapshot.
    expect(report.coverage.rulesSkipped).toHaveLength(Object.keys(GATEWAY_RULES).length + 5);
  });

  it("with no manifest.json at all: the same rules are skipped, and the reason says no manifest records it", async () => {
    const report = await handMade("healthy", { manifest: null });
    expect(byRule(skippedIn(report, "gateway"))).toEqual(GATEWAY_RULES);
    expect(skippedRule(report, "gateway-httproute-not-attached")?.reason).toBe("no manifest.json records whether the cluster serves httproutes.gateway.networking.k8s.io: a hand-made or older snapshot");
    expect(skippedIn(report, "mesh")).toHaveLength(5);
  });

  it("whose manifest says the API is served but the file is missing: skipped, saying so", async () => {
    const report = await handMade("healthy-gateway", { drop: ["resources/httproutes.json"] });
    expect(byRule(skippedIn(report, "gateway"))).toEqual({ "gateway-httproute-not-attached": "resources/httproutes.json", "gateway-httproute-backend-no-endpoints": "resources/httproutes.json" });
    expect(skippedRule(report, "gateway-httproute-not-attached")?.reason).toBe("manifest.json says the cluster serves httproutes.gateway.networking.k8s.io, yet the file is not in the snapshot");
  });

  it("whose collector could not list HTTPRoutes: skipped with the collector's error", async () => {
    const forbidden = 'Error from server (Forbidden): httproutes.gateway.networking.k8s.io is forbidden: User "system:serviceaccount:support:netdiag" cannot list resource "httproutes"';
    const report = await handMade("healthy-gateway", {
      drop: ["resources/httproutes.json"],
      manifest: (m) => (m.errors = [{ step: "resources/httproutes.json", message: forbidden }]),
    });
    expect(skippedRule(report, "gateway-httproute-not-attached")).toMatchObject({ missing: "resources/httproutes.json", reason: `resources/httproutes.json: ${forbidden}` });
  });

  it("with a malformed apis record: a warning, and the APIs count as not recorded", async () => {
    const report = await handMade("healthy", { manifest: (m) => (m.apis = { checked: "everything" }) });
    expect(report.warnings).toContain("manifest.json: apis ignored: expected array, received string");
    expect(byRule(skippedIn(report, "gateway"))).toEqual(GATEWAY_RULES);
  });
});

describe("a hand-made Gateway API snapshot with routes but without the other Gateway API files", () => {
  it("still checks the routes, and the coverage notes say which attachment checks rest on the controller's status alone", async () => {
    const report = await handMade("gateway-route-not-attached", {
      drop: ["resources/gateways.json", "resources/gatewayclasses.json", "resources/referencegrants.json"],
      manifest: withoutApis,
    });
    // Only the Gateway rules are skipped: they need gateways.json itself.
    expect(byRule(skippedIn(report, "gateway"))).toEqual({ "gateway-listener-invalid": "resources/gateways.json", "gateway-not-programmed": "resources/gateways.json" });
    expect(report.findings.find((f) => f.ruleId === "gateway-httproute-not-attached")).toBeDefined();
    const notes = report.coverage.notes.filter((n) => n.startsWith("resources/gate") || n.startsWith("resources/referencegrants"));
    expect(notes).toEqual([
      expect.stringMatching(/^resources\/gateways\.json was not collected \(manifest\.json does not record .*\): route attachment is judged from the controller's status only/),
      expect.stringMatching(/^resources\/gatewayclasses\.json was not collected .*: GatewayClassNotFound and GatewayClassNotAccepted are not derived$/),
      expect.stringMatching(/^resources\/referencegrants\.json was not collected .*: cross-namespace backendRefs and certificateRefs are not checked against ReferenceGrants/),
    ]);
  });
});

describe("a hand-made Istio snapshot with PeerAuthentications only", () => {
  it("runs the mTLS rules and skips the VirtualService and DestinationRule rules", async () => {
    const report = await handMade("mesh-mtls-strict-plaintext", {
      drop: ["resources/virtualservices.json", "resources/destinationrules.json"],
      manifest: withoutApis,
    });
    expect(report.findings[0]?.cause).toBe("mesh.mtls-strict-plaintext-client");
    expect(byRule(skippedIn(report, "mesh"))).toEqual({
      "mesh-virtualservice-subset-undefined": "resources/virtualservices.json",
      "mesh-virtualservice-weights-invalid": "resources/virtualservices.json",
      "mesh-destinationrule-failover-without-outlier-detection": "resources/destinationrules.json",
    });
  });
});

describe("CNI policy CRDs", () => {
  const gnp = "resources/globalnetworkpolicies.json";
  const finding = (r: Report) => r.findings.find((f) => f.ruleId === "policy-default-deny-blocks")!;

  it("collected and empty on a Calico cluster: the policy verdict stands at full confidence", async () => {
    const report = await diagnoseFixture("policy-default-deny-blocks");
    expect(finding(report).confidence).toBe(0.92);
    expect(report.coverage.notes.filter((n) => n.includes("GlobalNetworkPolicy"))).toEqual([]);
  });

  it("not collected on a Calico cluster, and the manifest does not say: the verdict may miss them, so lower confidence and a coverage note", async () => {
    const report = await handMade("policy-default-deny-blocks", { drop: [gnp], manifest: withoutApis });
    expect(finding(report).confidence).toBe(0.5);
    expect(finding(report).message).toContain("Note: GlobalNetworkPolicy objects may also apply and were not evaluated.");
    expect(report.coverage.notes).toContainEqual(expect.stringMatching(
      /^resources\/globalnetworkpolicies\.json was not collected \(manifest\.json does not record whether the cluster serves globalnetworkpolicies\.crd\.projectcalico\.org or globalnetworkpolicies\.projectcalico\.org: a hand-made or older snapshot\) although calico runs: GlobalNetworkPolicy objects may filter traffic too/,
    ));
  });

  it("not served, as the manifest says: nothing missing", async () => {
    const report = await handMade("policy-default-deny-blocks", {
      drop: [gnp],
      manifest: (m) => {
        const apis = m.apis as { served: string[] };
        apis.served = apis.served.filter((n) => !n.startsWith("globalnetworkpolicies."));
      },
    });
    expect(finding(report).confidence).toBe(0.92);
    expect(report.coverage.notes.filter((n) => n.includes("GlobalNetworkPolicy"))).toEqual([]);
  });

  it("absent where their CNI does not run: nothing missing (no Cilium here, so no CiliumNetworkPolicy can filter)", async () => {
    const report = await handMade("policy-default-deny-blocks", { manifest: withoutApis });
    expect(finding(report).confidence).toBe(0.92);
    expect(report.coverage.notes.filter((n) => n.includes("CiliumNetworkPolicy"))).toEqual([]);
  });
});
