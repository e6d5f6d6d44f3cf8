/**
 * Hostile snapshots: entries escaping the snapshot root, links, devices,
 * decompression bombs, giant entries, floods of tiny entries, absurd names.
 * Each is refused with exit 2 and one line, within bounded memory and time,
 * and nothing is ever written to disk (the reader streams, it never extracts).
 * The limits are the shipped DEFAULT_LIMITS unless a test says otherwise.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/snapshot/types.js";
import { makeTgz } from "../helpers/tar.js";
import { isCleanRefusal, runMain, STACK_TRACE, type CliRun } from "./run-main.js";
import { fileEntry, fixtureEntries, packTar, paxEntry, scratchFile, TAR_END, tarOffsetAfter, ustarHeader, type Entries } from "./snapshots.js";

let healthy: Entries;
beforeAll(async () => {
  healthy = await fixtureEntries("healthy");
});

/** A real snapshot with one hostile entry slipped in among the resources. */
async function withEntry(hostile: Buffer): Promise<Buffer> {
  const tarBytes = await packTar(healthy, "");
  const at = tarOffsetAfter(tarBytes, "manifest.json");
  return gzipSync(Buffer.concat([tarBytes.subarray(0, at), hostile, tarBytes.subarray(at)]));
}

async function expectRefused(name: string, bytes: Buffer, args: string[] = []): Promise<CliRun> {
  const path = await scratchFile(name, bytes);
  const before = await readdir(dirname(path));
  const r = await runMain([path, "--format", "json", ...args]);
  expect(isCleanRefusal(r), JSON.stringify(r).slice(0, 400)).toBe(true);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(await readdir(dirname(path)), "nothing may be written beside the snapshot").toEqual(before);
  return r;
}

describe("entries that point outside the snapshot or are not regular files", () => {
  const marker = `netdiag-escape-${process.pid}`;
  it.each([
    ["a parent-directory path", fileEntry(`../${marker}`, "pwned"), /entry "\.\.\/netdiag-escape-\d+" points outside the snapshot/],
    ["a nested escape", fileEntry(`resources/../../../${marker}`, "pwned"), /points outside the snapshot/],
    ["an absolute path", fileEntry(`/tmp/${marker}`, "pwned"), /entry "\/tmp\/netdiag-escape-\d+" points outside the snapshot/],
    ["a pax path escaping", Buffer.concat([paxEntry({ path: `../../${marker}` }), fileEntry("innocent.txt", "pwned")]), /points outside the snapshot/],
    ["a symlink", ustarHeader("resources/pods.json", 0, "2"), /is a symlink, only regular files are allowed/],
    ["a hardlink", ustarHeader("resources/services.json", 0, "1"), /is a link, only regular files are allowed/],
    ["a character device", ustarHeader("nodes/n1/dmesg.txt", 0, "3"), /is a character-device/],
    ["a block device", ustarHeader("nodes/n1/disk", 0, "4"), /is a block-device/],
    ["a FIFO", ustarHeader("probes/pipe.txt", 0, "6"), /is a fifo/],
    ["an unknown entry type", ustarHeader("resources/x.json", 0, "Z"), /is a file of unknown type/],
  ])("%s: refused", async (_what, hostile, message) => {
    const r = await expectRefused(`hostile-${_what.replace(/\W/g, "")}.tgz`, await withEntry(hostile));
    expect(r.stderr).toMatch(message);
    for (const p of [join(dirname(await scratchFile("probe", "")), "..", marker), `/tmp/${marker}`]) expect(existsSync(p)).toBe(false);
  });

  it("an entry name longer than PATH_MAX (carried by a pax header): refused", async () => {
    const r = await expectRefused("long-name.tgz", await withEntry(Buffer.concat([paxEntry({ path: `logs/${"a".repeat(5000)}/p/c.log` }), fileEntry("x", "y")])));
    expect(r.stderr).toMatch(/an entry name is longer than 4096 characters/);
  });
});

describe("sizes", () => {
  it("a gzip bomb (2 MB file, 2 GB unpacked) is refused after a few dozen MiB, not at the total limit", async () => {
    // Concatenated gzip members are one valid gzip stream: 1 MiB of zeros compresses to about 1 KB.
    const zeros = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const parts: Buffer[] = [];
    for (let e = 0; e < 4; e++) {
      parts.push(gzipSync(ustarHeader(`logs/ns/pod-${e}/app.log`, 500 * 1024 * 1024)));
      for (let i = 0; i < 500; i++) parts.push(zeros);
    }
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(3 * 1024 * 1024);
    const r = await expectRefused("bomb.tgz", bomb);
    const m = /snapshot refused: (\d+) MiB unpacked from \d+ [KM]iB of gzip \(more than 200:1\), a decompression bomb/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    // Bounded memory: at most ratioCheckAfterBytes (+ one read chunk) was ever unpacked.
    expect(Number(m![1])).toBeLessThanOrEqual(DEFAULT_LIMITS.ratioCheckAfterBytes / 1024 / 1024 + 2);
  });

  it("one giant entry is refused from its header, before a byte of it is read", async () => {
    const hostile = ustarHeader("resources/pods.json", 3 * 1024 ** 3);
    const r = await expectRefused("giant.tgz", gzipSync(Buffer.concat([hostile, Buffer.alloc(4096)])));
    expect(r.stderr).toMatch(/^diagnose: snapshot refused: entry resources\/pods\.json is larger than 512 MiB\n$/);
  });

  it("--max-snapshot-mb lowers the limits: a real 3 MiB log is refused at 1 MiB", async () => {
    const log = Array.from({ length: 40_000 }, (_, i) => `2026-11-22T10:${String(i % 60).padStart(2, "0")}:00Z INFO request ${i * 7919} served in ${i % 97}ms`).join("\n");
    const tgz = await makeTgz([{ name: "resources/pods.json", body: '{"items":[]}' }, { name: "logs/shop/web-1/web.log", body: log }]);
    const r = await expectRefused("big-log.tgz", tgz, ["--max-snapshot-mb", "1"]);
    expect(r.stderr).toMatch(/snapshot refused: (entry logs\/shop\/web-1\/web\.log is larger than 1 MiB|more than 1 MiB once unpacked)/);
  });

  it("a million tiny entries are refused at the entry limit, in bounded time", async () => {
    // 10,000 empty files, as one gzip member repeated 100 times: a 1,000,000-entry tar.
    const block = Buffer.concat(Array.from({ length: 10_000 }, (_, i) => ustarHeader(`probes/p${i}.txt`, 0)));
    const member = gzipSync(block, { level: 9 });
    const flood = Buffer.concat([...Array.from({ length: 100 }, () => member), gzipSync(TAR_END)]);
    const r = await expectRefused("flood.tgz", flood);
    expect(r.stderr).toMatch(new RegExp(`snapshot refused: more than ${DEFAULT_LIMITS.maxEntries} entries`));
    expect(r.ms, "hang guard, not a benchmark").toBeLessThan(30_000);
  });
});

describe("legitimate tar extensions still read", () => {
  it("a pax global header (git archive writes one) and a long name in a pax header", async () => {
    const longName = `logs/kube-system/${"coredns-".repeat(20)}x/coredns.log`;
    const tarBytes = Buffer.concat([
      paxEntry({ comment: "b174379" }, "g"),
      fileEntry("resources/pods.json", '{"apiVersion":"v1","kind":"List","items":[]}'),
      paxEntry({ path: longName }),
      fileEntry("placeholder", "[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860\n"),
      TAR_END,
    ]);
    const r = await runMain([await scratchFile("pax.tgz", gzipSync(tarBytes)), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).coverage.checked.logFiles).toBe(1);
  });
});
