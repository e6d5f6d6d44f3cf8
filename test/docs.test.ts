/** Docs derived from code must match the code: regenerate with `npm run docs`. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED } from "../docs/generate.js";
import { FACT_BUILDERS } from "../src/facts/index.js";
import { computeFacts } from "../src/facts/index.js";
import { loadModel } from "../src/diagnose.js";
import { listScenarios } from "../fixtures/generate.js";
import { fixturePath } from "./helpers/fixtures.js";

const ROOT = join(import.meta.dirname, "..");

describe("generated docs", () => {
  it.each(Object.keys(GENERATED))("%s is up to date (npm run docs)", async (path) => {
    expect(await readFile(join(ROOT, path), "utf8")).toBe(GENERATED[path]!());
  });

  it("every declared fact's example matches its declared shape", () => {
    for (const def of FACT_BUILDERS.flatMap((b) => b.facts)) {
      expect(def.shape.safeParse(def.example).success, def.name).toBe(true);
    }
  });

  it("every computed fact on every fixture matches its declared shape, and no undeclared fact is computed", async () => {
    const defs = new Map(FACT_BUILDERS.flatMap((b) => b.facts).map((d) => [d.name, d]));
    for (const name of await listScenarios()) {
      const subjects = computeFacts(await loadModel(fixturePath(name)));
      for (const s of subjects) {
        for (const [fact, value] of Object.entries(s.values)) {
          const def = defs.get(fact);
          expect(def, `${name}: undeclared fact ${fact}`).toBeDefined();
          expect(def!.subject, `${name}: ${fact} computed for ${s.kind}`).toBe(s.kind);
          const parsed = def!.shape.safeParse(value);
          expect(parsed.success, `${name}: ${fact} = ${JSON.stringify(value)} does not match its shape`).toBe(true);
        }
      }
    }
  });
});
