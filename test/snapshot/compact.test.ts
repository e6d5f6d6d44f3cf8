/**
 * Node iptables dumps compacted as the snapshot is read (what `diagnose` does):
 * the text, every line and the order of the files stay exactly as they were.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/model/build.js";
import { iptablesCompactor } from "../../src/model/parsers/iptables-shared.js";
import { readSnapshot } from "../../src/snapshot/reader.js";
import { realdata } from "../helpers/realdata.js";
import { makeTgz, MINIMAL_PODS } from "../helpers/tar.js";

const DUMP = realdata("iptables/real_iptables-save_kubeadm1.32_flannel.txt");
// The same node's dump taken again (other counters), CRLF line ends, odd lines the format does not know, no final newline.
const LATER = DUMP.replace(/\[(\d+):(\d+)\]/g, (_, p: string, b: string) => `[${Number(p) * 3}:${Number(b) * 3}]`);
const ODD = `${DUMP.split("\n").slice(0, 12).join("\r\n")}\r\n  [1:2] -A X -j ACCEPT  \n[x:y] -A X\n:KUBE-X - [1:]\n# Completed on [never]`;

async function snapshotWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "netdiag-compact-"));
  const path = join(dir, "snap.tgz");
  const root = "netdiag-prod-20261122T1030Z";
  await writeFile(path, await makeTgz([{ name: `${root}/resources/pods.json`, body: MINIMAL_PODS }, ...Object.entries(files).map(([name, body]) => ({ name: `${root}/${name}`, body }))]));
  return path;
}

describe("iptables dumps compacted by the reader", () => {
  const files = {
    "nodes/node-1/resolv.conf": "nameserver 10.96.0.10\n",
    "nodes/node-1/iptables-save.txt": DUMP,
    "nodes/node-2/iptables-save.txt": LATER,
    "nodes/node-3/iptables-legacy-save.txt": ODD,
    "nodes/node-3/ip-route.txt": "default via 10.0.0.1 dev eth0\n",
  };

  it("gives back each dump's exact text and lines, under the stripped names, in the order read", async () => {
    const snap = await readSnapshot(await snapshotWith(files), undefined, { compactor: iptablesCompactor() });
    expect([...snap.compacted!.keys()]).toEqual(["nodes/node-1/iptables-save.txt", "nodes/node-2/iptables-save.txt", "nodes/node-3/iptables-legacy-save.txt"]);
    expect([...snap.files.keys()]).toEqual(["resources/pods.json", ...Object.keys(files)]);
    const model = buildModel(snap);
    for (const [path, text] of Object.entries(files)) {
      const [, node, name] = path.split("/");
      expect(model.nodeFiles.get(node!)!.get(name!)).toBe(text);
    }
    expect(model.compactNodeFile("node-3", "ip-route.txt")).toBeUndefined();
    for (const [node, name, text] of [["node-2", "iptables-save.txt", LATER], ["node-3", "iptables-legacy-save.txt", ODD]] as const) {
      const compact = model.compactNodeFile(node, name)!;
      const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
      lines.forEach((line, i) => expect(compact.line(i + 1)).toBe(line));
      expect(compact.line(0)).toBeUndefined();
      expect(compact.line(lines.length + 1)).toBeUndefined();
    }
  });

  it("diagnoses the same with and without compaction", async () => {
    const path = await snapshotWith(files);
    const plain = buildModel(await readSnapshot(path));
    const compacted = buildModel(await readSnapshot(path, undefined, { compactor: iptablesCompactor() }));
    expect([...compacted.nodeFiles.keys()]).toEqual([...plain.nodeFiles.keys()]);
    for (const [node, texts] of plain.nodeFiles) expect([...compacted.nodeFiles.get(node)!]).toEqual([...texts]);
    expect(compacted.has("nodes/*/iptables-save.txt")).toBe(true);
  });
});
