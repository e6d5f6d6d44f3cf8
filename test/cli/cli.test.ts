/** The command line as a user meets it: exit codes, one-line errors, formats. */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";

describe("diagnose CLI", () => {
  it("prints a ranked report and exits 0", () => {
    const r = runCli([fixturePath("service-selector-typo")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/service\.selector-mismatch|Service selector matches no pod/);
    expect(r.stderr).toBe("");
  });

  it("--format json prints the SPEC §2 report", () => {
    const r = runCli([fixturePath("workload-crashloop"), "--format", "json"]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("netdiag-report/v1");
    expect(report.findings[0]).toMatchObject({ rank: 1, cause: "workload.crashloop", ruleId: "workload-crashlooping-behind-service", layer: "workload", severity: "high" });
    expect(Object.keys(report.findings[0])).toEqual(expect.arrayContaining(["rank", "cause", "ruleId", "layer", "severity", "score", "title", "message", "subjects", "evidence", "explains", "remediation", "verify"]));
    expect(report.coverage.rulesRun).toBeGreaterThan(0);
    // The crash loop, its Service without endpoints and the shop Ingress's /api backend without endpoints.
    expect(report.summary.bySeverity).toEqual(expect.objectContaining({ critical: 0, high: 3 }));
  });

  it("--fail-on exits 1 when a finding at or above the threshold exists, 0 otherwise", () => {
    expect(runCli([fixturePath("node-not-ready"), "--fail-on", "critical"]).status).toBe(1);
    expect(runCli([fixturePath("healthy"), "--fail-on", "low"]).status).toBe(0);
  });

  it("-o writes the report to a file", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "netdiag-cli-")), "r.json");
    const r = runCli([fixturePath("healthy"), "--format", "json", "-o", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(JSON.parse(await readFile(out, "utf8")).findings).toEqual([]);
  });

  it.each([
    [["/nonexistent/snap.tgz"], /^diagnose: cannot read snapshot \/nonexistent\/snap\.tgz: no such file or directory\n$/],
    [[], /^diagnose: missing snapshot/],
    [["x", "--format", "pdf"], /^diagnose: --format takes one of/],
    [["x", "--fail-on", "urgent"], /^diagnose: --fail-on takes one of critical, high, medium, low, info/],
    [["x", "--bogus"], /^diagnose: unknown option --bogus/],
    [["x", "--symptom", "nope"], /^diagnose: unknown symptom "nope"/],
  ])("bad usage %j exits 2 with one line", (args, message) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a non-snapshot file exits 2 with one line", async () => {
    const p = join(await mkdtemp(join(tmpdir(), "netdiag-cli-")), "notes.txt");
    await writeFile(p, "just some notes\n".repeat(100));
    const r = runCli([p]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^diagnose: cannot read snapshot .*not a gzip or tar archive/);
  });

  it("an invalid custom rule exits 2 naming file, line and field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "netdiag-cli-rules-"));
    await writeFile(join(dir, "bad.json"), JSON.stringify({ id: "Bad Id" }, null, 2));
    const r = runCli([fixturePath("healthy"), "--rules", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^diagnose: invalid rule: .*bad\.json:2: id: rule ids are kebab-case/);
  });

  it("a healthy snapshot says so, with what was checked", () => {
    const r = runCli([fixturePath("healthy")]);
    expect(r.status).toBe(0);
    expect(r.stdout.toLowerCase()).toMatch(/no (problems|findings)|nothing wrong|0 findings/);
  });

  it("rules list shows every built-in rule with its cause", () => {
    const r = runCli(["rules", "list"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/service-selector-matches-no-pod\s+service\.selector-mismatch/);
  });
});

describe("diagnose --symptom", () => {
  it("ranks the symptom's causes first and says which were found, ruled out or not checked", () => {
    const r = runCli([fixturePath("service-selector-typo"), "--symptom", "service-ip", "--format", "json"]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.symptom.id).toBe("service-ip");
    const status = Object.fromEntries(report.symptom.causes.map((c: { cause: string; status: string }) => [c.cause, c.status]));
    expect(status["service.selector-mismatch"]).toBe("found");
    expect(status["service.target-port-mismatch"]).toBe("ruled-out");
    expect(report.findings[0].cause).toBe("service.selector-mismatch");
  });
});
