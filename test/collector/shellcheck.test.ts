/** The collector scripts pass shellcheck (installed by .ci/install-collector-deps.sh). */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./harness.js";

const shellcheck = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
const available = shellcheck.status === 0;
if (!available) console.warn("shellcheck is not on PATH: skipping the lint of collectors/*.sh (run .ci/install-collector-deps.sh)");

describe("shell scripts", () => {
  it.skipIf(!available)("shellcheck finds nothing in collect.sh, kubectl-netdiag and the CI install script", () => {
    const files = ["collectors/collect.sh", "collectors/kubectl-netdiag", ".ci/install-collector-deps.sh"];
    const run = spawnSync("shellcheck", files, { cwd: REPO, encoding: "utf8" });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("collect.sh parses with bash -n", () => {
    const run = spawnSync("bash", ["-n", join(REPO, "collectors", "collect.sh")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
