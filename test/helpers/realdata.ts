/**
 * Reads conformance inputs from shared/realdata, kept beside the repository
 * (CI clones the repo with shared/ next to it; a worktree sits one level
 * deeper, so each ancestor's `shared/realdata` is tried, nearest first).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
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

export function realdataFiles(dir: string): string[] {
  return readdirSync(join(realdataDir, dir)).sort();
}
