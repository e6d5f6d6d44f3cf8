/**
 * The CNI network configs in a node's /etc/cni/net.d (collected as
 * nodes/<node>/cni/<file>). The container runtime loads files ending in
 * .conf, .conflist or .json in lexicographic order and uses the first valid
 * one (containerd's and CRI-O's default): a leftover of a previous CNI that
 * sorts first silently takes over every new pod on the node.
 */
import type { ClusterModel } from "../../model/model.js";
import type { Evidence } from "../../types/evidence.js";
import { clip } from "../../types/evidence.js";

const CONFIG_EXTENSIONS = [".conf", ".conflist", ".json"];

export interface CniConfigFile {
  file: string;
  /** Path in the snapshot. */
  path: string;
  valid: boolean;
  /** The network's name. */
  network?: string;
  /** The main plugin's type (the first plugin of a conflist). */
  type?: string;
  /** `mtu` of the main plugin, when set and non-zero. */
  mtu?: number;
  error?: string;
}

function parseConfig(file: string, path: string, text: string): CniConfigFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { file, path, valid: false, error: (e as Error).message.split("\n")[0]! };
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return { file, path, valid: false, error: "not a JSON object" };
  const o = doc as Record<string, unknown>;
  const plugins = Array.isArray(o.plugins) ? (o.plugins as unknown[]) : undefined;
  const main = (file.endsWith(".conflist") || plugins ? plugins?.[0] : o) as Record<string, unknown> | undefined;
  const type = main && typeof main.type === "string" ? main.type : undefined;
  if (!type) return { file, path, valid: false, error: plugins ? "no plugins" : "no type" };
  const out: CniConfigFile = { file, path, valid: true, type };
  if (typeof o.name === "string") out.network = o.name;
  if (typeof main!.mtu === "number" && main!.mtu > 0) out.mtu = main!.mtu;
  return out;
}

/** The node's CNI config files the runtime considers, in the order it reads them. */
export function nodeCniConfigs(model: ClusterModel, node: string): CniConfigFile[] {
  const files = model.nodeFiles.get(node);
  if (!files) return [];
  const out: CniConfigFile[] = [];
  // Names first: a node's other files (a 30 MB iptables dump) are decoded only when read.
  for (const name of files.keys()) {
    if (!name.startsWith("cni/")) continue;
    const file = name.slice(4);
    // Only files directly in net.d count; backups (.cilium_bak, .bak) are ignored by the runtime.
    if (file.includes("/") || !CONFIG_EXTENSIONS.some((e) => file.endsWith(e))) continue;
    out.push(parseConfig(file, `nodes/${node}/${name}`, files.get(name)!));
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export function configEvidence(c: CniConfigFile, note: string): Evidence {
  return { file: c.path, line: 1, excerpt: clip(`${c.file}: ${c.valid ? `type ${c.type}${c.network ? `, network ${c.network}` : ""}` : `invalid (${c.error})`}${note ? ` — ${note}` : ""}`) };
}
