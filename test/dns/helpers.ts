/**
 * Test inputs: the team's conformance data lives in `shared/` beside the repo
 * (CI clones it to repo/../shared). NETDIAG_SHARED_DIR overrides that location
 * for checkouts elsewhere (git worktrees). A missing file fails the test.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const sharedDir = process.env.NETDIAG_SHARED_DIR ?? resolve(repoRoot, "..", "shared");

export function readShared(relative: string): string {
  return readFileSync(resolve(sharedDir, relative), "utf8");
}

export function readFixture(relative: string): string {
  return readFileSync(resolve(repoRoot, "test", "fixtures", relative), "utf8");
}

export function lines(text: string): string[] {
  return text.split("\n").filter((l, i, all) => !(i === all.length - 1 && l === ""));
}
