import { gzipSync } from "node:zlib";
import tar from "tar-stream";

export interface TarEntry {
  name: string;
  body?: string | Buffer;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  linkname?: string;
  size?: number;
}

/** Builds a tar in memory (hostile entries included) for reader tests. */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const e of entries) {
    const type = e.type ?? "file";
    if (type === "file") pack.entry({ name: e.name, type }, e.body ?? "");
    else pack.entry({ name: e.name, type, ...(e.linkname ? { linkname: e.linkname } : {}) });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function makeTgz(entries: TarEntry[]): Promise<Buffer> {
  return gzipSync(await makeTar(entries));
}

export const MINIMAL_PODS = JSON.stringify({ apiVersion: "v1", kind: "List", items: [] });
