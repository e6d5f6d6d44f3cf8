/**
 * docs/writing-rules.md, followed literally: the files it shows are written to a
 * fresh directory beside a copy of the demo snapshot, and the commands it shows
 * produce what it says.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

const ROOT = join(import.meta.dirname, "..");

async function tutorialFiles(): Promise<Map<string, string>> {
  const md = await readFile(join(ROOT, "docs/writing-rules.md"), "utf8");
  const files = new Map<string, string>();
  for (const m of md.matchAll(/```\w+ file=(\S+)\n([\s\S]*?)```/g)) files.set(m[1]!, m[2]!);
  return files;
}

describe("the writing-rules tutorial", () => {
  it("lints, tests and runs the rule exactly as written", async () => {
    const files = await tutorialFiles();
    expect([...files.keys()]).toEqual(["my-rules/payments-min-endpoints.json", "my-rules/payments-min-endpoints.cases.yaml"]);
    const work = await mkdtemp(join(tmpdir(), "netdiag-tutorial-"));
    for (const [path, text] of files) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), text);
    }
    await mkdir(join(work, "fixtures"));
    await copyFile(join(ROOT, "fixtures/demo.tgz"), join(work, "fixtures/demo.tgz"));
    const rulesDir = join(work, "my-rules");

    const lint = runCli(["rules", "lint", rulesDir]);
    expect(lint.stdout).toContain("1 rules checked, 0 problems");
    expect(lint.status).toBe(0);

    const test = runCli(["rules", "test", rulesDir]);
    expect(test.stdout).toContain("✓ payments-min-endpoints › crash-looping payments pods leave the Service below two endpoints");
    expect(test.stdout).toContain("1 passed, 0 failed");
    expect(test.status).toBe(0);

    const run = runCli([join(work, "fixtures/demo.tgz"), "--rules", rulesDir, "--format", "json"]);
    expect(run.status).toBe(0);
    const custom = JSON.parse(run.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === "payments-min-endpoints");
    expect(custom.map((f: { message: string }) => f.message)).toEqual(["Service payments/payments has 0 ready endpoints; payments Services need at least 2."]);
  });

  it("the lint error it shows is the one a misspelt fact produces", async () => {
    const files = await tutorialFiles();
    const work = await mkdtemp(join(tmpdir(), "netdiag-tutorial-typo-"));
    await mkdir(join(work, "my-rules"));
    const rule = files.get("my-rules/payments-min-endpoints.json")!.replace('"service.readyEndpointCount"', '"service.readyEndpoints"');
    await writeFile(join(work, "my-rules/payments-min-endpoints.json"), rule);
    const r = runCli(["rules", "lint", "my-rules"], { cwd: work });
    expect(r.stdout).toContain("my-rules/payments-min-endpoints.json:20: then: unknown fact service.readyEndpoints (every fact is listed in docs/facts.md)");
    expect(r.status).toBe(2);
  });
});

