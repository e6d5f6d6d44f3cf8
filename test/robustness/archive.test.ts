/**
 * Damaged snapshots, as they arrive through a ticket system: truncated
 * downloads, tars cut mid-entry, the wrong file attached, an empty file, a
 * folder of something else. Either exit 2 with one line saying what is wrong,
 * or — where enough is readable — a diagnosis of what was read plus a warning.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { constants, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/types/report.js";
import { isCleanRefusal, runMain, STACK_TRACE } from "./run-main.js";
import { fixtureEntries, packTar, scratchDir, scratchFile, tarOffsetAfter, type Entries } from "./snapshots.js";

/** A gzip stream of `bytes` that stops without its final block and trailer, like an interrupted download. */
function truncatedGzip(bytes: Buffer): Buffer {
  return gzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
}

async function diagnoseBytes(name: string, bytes: Buffer): Promise<Report> {
  const r = await runMain([await scratchFile(name, bytes), "--format", "json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

async function refusal(name: string, bytes: Buffer | string): Promise<string> {
  const r = await runMain([await scratchFile(name, bytes), "--format", "json"]);
  expect(isCleanRefusal(r), JSON.stringify(r)).toBe(true);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return r.stderr;
}

let typo: Entries;
let typoTar: Buffer;
beforeAll(async () => {
  // Resources first, then logs: the order collectors write them in.
  typo = await fixtureEntries("service-selector-typo");
  typoTar = await packTar(typo);
});

describe("truncated gzip", () => {
  it("cut inside the logs: the resources read before the cut are diagnosed, with a warning", async () => {
    const cut = tarOffsetAfter(typoTar, "resources/services.json") + 700;
    const report = await diagnoseBytes("cut-in-logs.tgz", truncatedGzip(typoTar.subarray(0, cut)));
    expect(report.warnings).toContainEqual(expect.stringMatching(/^snapshot is damaged \(the archive is truncated\): diagnosing the \d+ files read before the damage$/));
    expect(report.findings[0]?.cause).toBe("service.selector-mismatch");
  });

  it("cut inside pods.json: the half file is dropped, never parsed as broken JSON", async () => {
    const start = tarOffsetAfter(typoTar, "resources/nodes.json");
    const report = await diagnoseBytes("cut-in-pods.tgz", truncatedGzip(typoTar.subarray(0, start + 512 + 4000)));
    expect(report.coverage.checked.pods).toBe(0);
    expect(report.coverage.checked.nodes).toBeGreaterThan(0);
    expect(report.warnings.join("\n")).toMatch(/truncated/);
    expect(report.warnings.join("\n")).not.toMatch(/invalid JSON/);
    expect(report.coverage.rulesSkipped.map((s) => s.missing)).toContain("resources/pods.json");
  });

  it("cut before the first file ends: exit 2, one line", async () => {
    expect(await refusal("cut-early.tgz", truncatedGzip(typoTar.subarray(0, 700)))).toMatch(/^diagnose: cannot read snapshot .*: the archive is truncated\n$/);
  });

  it("cut inside the gzip header: exit 2, one line", async () => {
    expect(await refusal("cut-header.tgz", gzipSync(typoTar).subarray(0, 6))).toMatch(/truncated|corrupt/);
  });

  it("a wrong gzip checksum after complete data: diagnosed, with a warning", async () => {
    const gz = gzipSync(typoTar);
    gz.writeUInt32LE((gz.readUInt32LE(gz.length - 8) ^ 0xffffffff) >>> 0, gz.length - 8);
    const report = await diagnoseBytes("bad-crc.tgz", gz);
    expect(report.warnings.join("\n")).toMatch(/snapshot is damaged \(the gzip data is corrupt\)/);
    // zlib withholds its last output block when the checksum fails: the files before it are diagnosed.
    expect(report.coverage.checked.pods).toBeGreaterThan(0);
    expect(report.coverage.checked.nodes).toBeGreaterThan(0);
  });
});

describe("tar cut mid-entry", () => {
  it("keeps the complete entries, drops the cut one, warns", async () => {
    const cut = tarOffsetAfter(typoTar, "resources/services.json") + 512 + 100;
    const report = await diagnoseBytes("cut.tar", typoTar.subarray(0, cut));
    expect(report.warnings.join("\n")).toMatch(/snapshot is damaged \(the archive is truncated\)/);
    expect(report.findings[0]?.cause).toBe("service.selector-mismatch");
  });

  it("a tar holding only the start of its first entry: exit 2", async () => {
    expect(await refusal("cut-first.tar", typoTar.subarray(0, 512 + 100))).toMatch(/^diagnose: cannot read snapshot .*: the archive is truncated\n$/);
  });
});

describe("not a snapshot", () => {
  it.each([
    ["an empty file", "empty.tgz", Buffer.alloc(0), /the file is empty/],
    ["a text file", "notes.tgz", Buffer.from("Hi, here is the snapshot you asked for.\n".repeat(30)), /not a gzip or tar archive/],
    ["a PNG", "screenshot.tgz", Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(2000, 7)]), /not a gzip or tar archive/],
    ["a gzip of a text file", "log.gz", gzipSync("kube-proxy log line\n".repeat(200)), /no tar archive inside \(invalid tar header\)/],
    ["an empty gzip", "empty.tgz", gzipSync(Buffer.alloc(0)), /the archive holds no files/],
  ])("%s: exit 2 with one line", async (_what, name, bytes, message) => {
    expect(await refusal(name, bytes)).toMatch(message);
  });

  it("a tar of some project: exit 2 naming what it holds instead", async () => {
    const tarball = gzipSync(await packTar([["README.md", Buffer.from("# my app\n")], ["src/index.js", Buffer.from("console.log(1)\n")]], "my-app"));
    expect(await refusal("my-app.tgz", tarball)).toMatch(/^diagnose: cannot read snapshot .*: no resources\/, logs\/, nodes\/ or probes\/ files in it \(only README\.md, src\/index\.js\)\n$/);
  });

  it("a manifest alone: exit 2 quoting the collector's first error", async () => {
    const manifest = { format: "netdiag-snapshot/v1", errors: [{ step: "resources/pods.json", message: 'pods is forbidden: User "support" cannot list resource "pods"' }] };
    const tarball = gzipSync(await packTar([["manifest.json", Buffer.from(JSON.stringify(manifest))]]));
    expect(await refusal("manifest-only.tgz", tarball)).toMatch(/no resources\/.* \(only manifest\.json\); the collector recorded 1 errors, the first: resources\/pods\.json: pods is forbidden/);
  });
});

describe("directories", () => {
  it("an empty directory: exit 2", async () => {
    const r = await runMain([await scratchDir()]);
    expect(isCleanRefusal(r)).toBe(true);
    expect(r.stderr).toMatch(/the directory is empty/);
  });

  it("a directory without resources or logs: exit 2", async () => {
    const dir = await scratchDir();
    await writeFile(join(dir, "notes.txt"), "collected by hand\n");
    await mkdir(join(dir, "screenshots"));
    await writeFile(join(dir, "screenshots", "a.png"), Buffer.alloc(100));
    const r = await runMain([dir]);
    expect(isCleanRefusal(r)).toBe(true);
    expect(r.stderr).toMatch(/no resources\/, logs\/, nodes\/ or probes\/ files in it \(only notes\.txt, screenshots\/a\.png\)/);
  });

  it("a directory with logs but no resources: the logs are diagnosed, with a warning", async () => {
    const dir = await scratchDir();
    await mkdir(join(dir, "logs/kube-system/coredns-5d78c9869d-x2k4q"), { recursive: true });
    await writeFile(join(dir, "logs/kube-system/coredns-5d78c9869d-x2k4q/coredns.log"), "[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860\n");
    const r = await runMain([dir, "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.warnings).toContain("no resources/ files in the snapshot: only logs, node data and probes were checked");
    expect(report.coverage.checked.logFiles).toBe(1);
    expect(report.coverage.rulesSkipped.length).toBeGreaterThan(0);
  });
});
