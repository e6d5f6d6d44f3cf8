/**
 * Locates shared/realdata (conformance inputs kept beside the repository:
 * CI clones the repo with shared/ next to it). Worktrees sit one level deeper,
 * so every ancestor's `shared/realdata` is tried, nearest first.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function findRealdata(): string {
  let dir = repoRoot;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, "..", "shared", "realdata");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`shared/realdata not found beside ${repoRoot} or any of its parents`);
}

const realdataDir = findRealdata();

export function realdata(path: string): string {
  return readFileSync(join(realdataDir, path), "utf8");
}

/** A small fixture kept next to the parser tests (see fixtures/SOURCES.md). */
export function fixture(name: string): string {
  return readFileSync(join(repoRoot, "test", "parsers", "fixtures", name), "utf8");
}
