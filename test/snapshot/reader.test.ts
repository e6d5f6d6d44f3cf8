import { mkdtemp, mkdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { readSnapshot, safeEntryName } from "../../src/snapshot/reader.js";
import { DEFAULT_LIMITS, SnapshotError } from "../../src/snapshot/types.js";
import { makeTar, makeTgz, MINIMAL_PODS } from "../helpers/tar.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "netdiag-reader-"));
});

async function file(name: string, content: Buffer | string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

async function refusal(path: string, limits = DEFAULT_LIMITS): Promise<string> {
  const err = await readSnapshot(path, limits).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SnapshotError);
  const message = (err as Error).message;
  expect(message).not.toContain("\n");
  return message;
}

describe("snapshot reader", () => {
  it("reads a .tgz whose content sits under one top-level folder, stripping it", async () => {
    const p = await file("a.tgz", await makeTgz([{ name: "netdiag-prod-20261122T1030Z/", type: "directory" }, { name: "netdiag-prod-20261122T1030Z/manifest.json", body: "{}" }, { name: "netdiag-prod-20261122T1030Z/resources/pods.json", body: MINIMAL_PODS }]));
    const snap = await readSnapshot(p);
    expect([...snap.files.keys()].sort()).toEqual(["manifest.json", "resources/pods.json"]);
    expect(snap.warnings).toEqual([]);
  });

  it("reads an uncompressed .tar with content at the root", async () => {
    const p = await file("b.tar", await makeTar([{ name: "resources/pods.json", body: MINIMAL_PODS }, { name: "./logs/kube-system/coredns-1/coredns.log", body: "x\n" }]));
    const snap = await readSnapshot(p);
    expect([...snap.files.keys()].sort()).toEqual(["logs/kube-system/coredns-1/coredns.log", "resources/pods.json"]);
  });

  it("reads a directory snapshot", async () => {
    const root = join(dir, "snapdir");
    await mkdir(join(root, "resources"), { recursive: true });
    await writeFile(join(root, "resources/pods.json"), MINIMAL_PODS);
    const snap = await readSnapshot(root);
    expect([...snap.files.keys()]).toEqual(["resources/pods.json"]);
  });

  it.each([
    ["a parent-directory entry", [{ name: "../evil.json", body: "x" }], /outside the snapshot/],
    ["a nested parent-directory entry", [{ name: "resources/../../etc/cron.d/x", body: "x" }], /outside the snapshot/],
    ["an absolute entry", [{ name: "/etc/passwd", body: "x" }], /outside the snapshot/],
    ["a symlink", [{ name: "resources/pods.json", type: "symlink" as const, linkname: "/etc/shadow" }], /symlink, only regular files/],
    ["a hardlink", [{ name: "resources/pods.json", type: "link" as const, linkname: "../../etc/shadow" }], /link, only regular files/],
    ["a device", [{ name: "resources/pods.json", type: "character-device" as const }], /character-device, only regular files/],
  ])("refuses %s with one line", async (_name, entries, message) => {
    const p = await file(`hostile-${_name.replace(/\W/g, "")}.tgz`, await makeTgz([{ name: "manifest.json", body: "{}" }, ...entries]));
    expect(await refusal(p)).toMatch(message);
  });

  it("refuses a symlink inside a directory snapshot", async () => {
    const root = join(dir, "linkdir");
    await mkdir(join(root, "resources"), { recursive: true });
    await symlink("/etc/hostname", join(root, "resources/pods.json"));
    expect(await refusal(root)).toMatch(/link or device/);
  });

  it("stops a gzip bomb at the total size limit, counting unpacked bytes", async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const bomb = gzipSync(await makeTar([{ name: "resources/pods.json", body: zeros }]));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const p = await file("bomb.tgz", bomb);
    expect(await refusal(p, { ...DEFAULT_LIMITS, maxEntryBytes: 1024 ** 3, maxTotalBytes: 8 * 1024 * 1024 })).toMatch(/more than 8 MiB once unpacked/);
  });

  it("stops one giant entry at the entry size limit", async () => {
    const p = await file("giant.tgz", await makeTgz([{ name: "logs/a/b/c.log", body: Buffer.alloc(3 * 1024 * 1024, 0x61) }]));
    expect(await refusal(p, { ...DEFAULT_LIMITS, maxEntryBytes: 1024 * 1024 })).toMatch(/entry logs\/a\/b\/c.log is larger than 1 MiB/);
  });

  it("stops millions of tiny entries at the entry count limit", async () => {
    const entries = Array.from({ length: 500 }, (_, i) => ({ name: `probes/p${i}.txt`, body: "" }));
    const p = await file("many.tgz", await makeTgz(entries));
    expect(await refusal(p, { ...DEFAULT_LIMITS, maxEntries: 100 })).toMatch(/more than 100 entries/);
  });

  it("keeps what precedes a truncation and warns", async () => {
    const big = "x".repeat(200_000);
    const tgz = await makeTgz([{ name: "resources/pods.json", body: MINIMAL_PODS }, { name: "logs/ns/pod/c.log", body: big }, { name: "logs/ns/pod/d.log", body: big }]);
    const p = await file("cut.tgz", tgz.subarray(0, Math.floor(tgz.length * 0.6)));
    const snap = await readSnapshot(p);
    expect(snap.files.has("resources/pods.json")).toBe(true);
    expect(snap.warnings.join()).toMatch(/truncated/);
  });

  it("refuses a truncated archive with nothing readable", async () => {
    const tgz = await makeTgz([{ name: "resources/pods.json", body: "y".repeat(100_000) }]);
    expect(await refusal(await file("cut2.tgz", tgz.subarray(0, 40)))).toMatch(/truncated|corrupt/);
  });

  it.each([
    ["an empty file", "", /the file is empty/],
    ["a text file", "hello, this is not a tarball\n".repeat(40), /not a gzip or tar archive/],
  ])("refuses %s", async (_n, content, message) => {
    expect(await refusal(await file(`bad-${_n.replace(/\W/g, "")}`, content))).toMatch(message);
  });

  it("refuses a path that does not exist", async () => {
    expect(await refusal(join(dir, "nope.tgz"))).toMatch(/no such file or directory/);
  });

  it("normalises entry names and rejects escapes", () => {
    expect(safeEntryName("./resources//pods.json")).toBe("resources/pods.json");
    expect(safeEntryName("a/./b/../c.json")).toBe("a/c.json");
    expect(safeEntryName("a/../../b")).toBeNull();
    expect(safeEntryName("C:\\windows")).toBeNull();
    expect(safeEntryName("nul\0byte")).toBeNull();
  });
});
