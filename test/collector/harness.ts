/** Running the real collectors/collect.sh with the real kubectl, and reading what it wrote. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { Readable } from "node:stream";
import { extract } from "tar-stream";
import { afterAll } from "vitest";

export const REPO = join(import.meta.dirname, "..", "..");
export const COLLECT = join(REPO, "collectors", "collect.sh");
export const PLUGIN = join(REPO, "collectors", "kubectl-netdiag");

/** A kubeconfig whose current context points at `server` (plain http, as the fake API server speaks). */
export function writeKubeconfig(dir: string, server: string, context = "kubernetes-admin@lab"): string {
  const file = join(dir, "kubeconfig");
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: lab",
      "  cluster:",
      `    server: ${server}`,
      "    insecure-skip-tls-verify: true",
      "users:",
      "- name: kubernetes-admin",
      "  user:",
      "    token: kubeconfig-token-not-for-snapshots",
      "contexts:",
      `- name: ${context}`,
      "  context:",
      "    cluster: lab",
      "    user: kubernetes-admin",
      `current-context: ${context}`,
      "",
    ].join("\n"),
  );
  return file;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  kubeconfig: string;
  /** Called once with the child, e.g. to interrupt it. */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
  /** Run in its own process group, so a test can signal the group as a terminal's Ctrl-C does. */
  detached?: boolean;
  command?: string;
  /** Directories put in front of PATH. */
  pathPrefix?: string;
}

/** Run the collector (or the kubectl plugin) with a clean environment pointing at the kubeconfig. */
export function runCollector(args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.command ?? COLLECT, args, {
      cwd: opts.cwd,
      env: {
        PATH: (opts.pathPrefix ? opts.pathPrefix + ":" : "") + (process.env.PATH ?? "/usr/bin:/bin"),
        HOME: opts.cwd,
        KUBECONFIG: opts.kubeconfig,
        // kubectl's discovery cache, private to this run
        KUBECACHEDIR: join(opts.cwd, ".kube-cache"),
        TMPDIR: opts.cwd,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: opts.detached ?? false,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    opts.onSpawn?.(child);
  });
}

const tempDirs: string[] = [];
// Removed after the test file that made them (KEEP_NETDIAG_TMP=1 keeps them to look at).
afterAll(() => {
  if (!process.env.KEEP_NETDIAG_TMP) for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export interface TarEntry {
  name: string;
  type: string;
  data: Buffer;
}

/** Every entry of a .tgz, read in memory with zlib and tar-stream. */
export async function readTgz(file: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const ex = extract();
  Readable.from(readFileSync(file)).pipe(createGunzip()).pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, type: entry.header.type ?? "file", data: Buffer.concat(chunks) });
  }
  return entries;
}

/** Files of a snapshot tarball by path relative to its single top-level folder. */
export function filesUnderRoot(entries: TarEntry[]): { root: string; files: Map<string, Buffer> } {
  const roots = new Set(entries.map((e) => e.name.split("/")[0]));
  if (roots.size !== 1) throw new Error(`expected one top-level folder, got ${[...roots].join(", ")}`);
  const [root = ""] = roots;
  const files = new Map<string, Buffer>();
  for (const e of entries) if (e.type === "file") files.set(e.name.slice(root.length + 1), e.data);
  return { root, files };
}
