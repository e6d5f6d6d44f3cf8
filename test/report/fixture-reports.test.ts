/**
 * The Markdown report of every fixture scenario, as a support engineer would
 * paste it into a ticket, kept as a golden file a reviewer reads in the diff
 * (test/report/__golden__/fixtures/<scenario>.md). A change to a rule's
 * message, ranking or evidence shows up here as readable prose.
 *
 * UPDATE_GOLDEN=1 npx vitest run test/report/fixture-reports.test.ts rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listScenarios } from "../../fixtures/generate.js";
import { FORMATTERS } from "../../src/report/formatters/index.js";
import { diagnoseFixture } from "../helpers/fixtures.js";

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "__golden__", "fixtures");
const UPDATE_COMMAND = "UPDATE_GOLDEN=1 npx vitest run test/report/fixture-reports.test.ts";
const names = await listScenarios();

describe.each(names)("Markdown report of fixture %s", (name) => {
  it("matches its golden file", async () => {
    const report = await diagnoseFixture(name);
    // The fixture's absolute path differs per checkout; the report names it as a user would.
    report.snapshot.source = `fixtures/out/${name}`;
    const md = FORMATTERS.md(report, { color: false, verbose: false });
    const file = join(GOLDEN_DIR, `${name}.md`);
    if (process.env.UPDATE_GOLDEN === "1") {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, md);
    }
    expect(existsSync(file), `no golden report for ${name}: run ${UPDATE_COMMAND}`).toBe(true);
    expect(md).toBe(readFileSync(file, "utf8"));
  });
});

it("keeps no golden report of a scenario that no longer exists", () => {
  const stale = readdirSync(GOLDEN_DIR).filter((f) => !names.includes(f.replace(/\.md$/, "")));
  expect(stale, `delete them or run ${UPDATE_COMMAND}`).toEqual([]);
});
