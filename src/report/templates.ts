/**
 * Loading the report templates shipped in the package's `reports/` folder.
 * The folder sits at the package root, and this module runs from src/report/
 * (tsx, tests) or dist/report/ (installed package): walk up from here until a
 * folder holds reports/<file>, rather than hard-coding a depth.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type Handlebars from "handlebars";

/** How far up from this module the package root may be (src/report → root is 2). */
const MAX_LEVELS_UP = 6;

export function findReportsDir(probeFile: string, from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i <= MAX_LEVELS_UP; i++) {
    const candidate = join(dir, "reports");
    if (existsSync(join(candidate, probeFile))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`report template ${probeFile} not found in a reports/ folder above ${from}`);
}

export class TemplateError extends Error {
  override name = "TemplateError";
}

/**
 * Read and parse a template now, so a syntax error names the file at load time
 * instead of surfacing at the first render (compile() alone is lazy).
 */
export function loadTemplate(
  hb: typeof Handlebars,
  file: string,
  options: CompileOptions,
  reportsDir = findReportsDir(file),
): HandlebarsTemplateDelegate {
  const path = join(reportsDir, file);
  const source = readFileSync(path, "utf8");
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (err) {
    throw new TemplateError(`${path}: ${(err as Error).message}`);
  }
  return hb.compile(ast, options);
}

/** A value computed on first use and kept: templates are read and compiled once per process. */
export function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}
