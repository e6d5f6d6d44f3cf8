/**
 * Without node files the node-data checks are reported as skipped (coverage),
 * naming the files they needed; with them, they run.
 */
import { describe, expect, it } from "vitest";
import { diagnoseFixture } from "../helpers/fixtures.js";

const NODE_FILE_RULES = ["proxy-service-rules-missing", "proxy-service-rules-stale", "proxy-node-without-service-rules", "proxy-rules-for-deleted-services", "proxy-mode-mismatch", "proxy-no-masquerade", "proxy-conntrack-table-full", "cni-mtu-mismatch", "cni-foreign-config-in-use", "cni-leftover-configs"];

describe("node-data checks and coverage", () => {
  it("a snapshot without nodes/ skips them, saying which files were missing", async () => {
    const report = await diagnoseFixture("healthy-no-node-data");
    const skipped = new Map(report.coverage.rulesSkipped.map((s) => [s.ruleId, s.missing]));
    for (const id of NODE_FILE_RULES) expect(skipped.get(id), id).toMatch(/^nodes\/\*\//);
    // Rules on pods, events and objects still run.
    for (const id of ["proxy-kube-proxy-not-running", "cni-agent-unhealthy", "cni-sandbox-setup-failed", "cni-cidr-overlap"]) expect(skipped.has(id), id).toBe(false);
    expect(report.findings.filter((f) => f.layer === "proxy" || f.layer === "cni")).toEqual([]);
  });

  it("the same cluster with its node files runs them all", async () => {
    const report = await diagnoseFixture("healthy");
    const skipped = new Set(report.coverage.rulesSkipped.map((s) => s.ruleId));
    for (const id of NODE_FILE_RULES) expect(skipped.has(id), id).toBe(false);
  });
});
