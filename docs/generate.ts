/** Regenerates the docs that are derived from code: docs/facts.md and rules/rule.schema.json. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FACT_DEFINITIONS } from "../src/facts/index.js";
import { renderFactReference } from "../src/facts/reference.js";
import { ruleJsonSchema } from "../src/rules/json-schema.js";

const ROOT = join(import.meta.dirname, "..");

export const GENERATED: Record<string, () => string> = {
  "docs/facts.md": () => renderFactReference(FACT_DEFINITIONS.values()),
  "rules/rule.schema.json": ruleJsonSchema,
};

if (process.argv[1] === import.meta.filename) {
  for (const [path, render] of Object.entries(GENERATED)) await writeFile(join(ROOT, path), render());
  process.stdout.write(`wrote ${Object.keys(GENERATED).join(", ")}\n`);
}
