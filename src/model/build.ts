/**
 * snapshot → model: parses `resources/*` (JSON, or YAML where a user saved
 * YAML), validates every object leniently and indexes the result. An object
 * that fails validation is skipped with a warning naming file and item; a file
 * that does not parse is skipped with a warning naming file and line.
 */
import { isAlias, parseAllDocuments, visit, LineCounter, type Document } from "yaml";
import type { z } from "zod";
import { describeJsonError } from "./json-error.js";
import { listItems } from "./json-list.js";
import { parseManifest } from "./manifest.js";
import { yamlDepthProblem } from "./yaml-depth.js";
import { type CompactText, SnapshotError, type SnapshotFiles } from "../snapshot/types.js";
import { clip, type Evidence } from "../types/evidence.js";
import * as k8s from "./k8s.js";
import type { ClusterModel, LogFile, Manifest, ResourceName, Resources, SecretEntry, WorkloadGroup } from "./model.js";

interface ResourceSpec {
  schema: z.ZodType;
  /** apiVersions whose shape we read; others are skipped with a warning. Empty: any version of the group. */
  apiVersions: string[];
  kind: string;
}

const CORE = ["v1"];
const RESOURCE_SPECS: Record<ResourceName, ResourceSpec> = {
  nodes: { schema: k8s.Node, apiVersions: CORE, kind: "Node" },
  namespaces: { schema: k8s.Namespace, apiVersions: CORE, kind: "Namespace" },
  pods: { schema: k8s.Pod, apiVersions: CORE, kind: "Pod" },
  services: { schema: k8s.Service, apiVersions: CORE, kind: "Service" },
  endpoints: { schema: k8s.Endpoints, apiVersions: CORE, kind: "Endpoints" },
  endpointslices: { schema: k8s.EndpointSlice, apiVersions: ["discovery.k8s.io/v1", "discovery.k8s.io/v1beta1"], kind: "EndpointSlice" },
  networkpolicies: { schema: k8s.NetworkPolicy, apiVersions: ["networking.k8s.io/v1"], kind: "NetworkPolicy" },
  ingresses: { schema: k8s.Ingress, apiVersions: ["networking.k8s.io/v1"], kind: "Ingress" },
  ingressclasses: { schema: k8s.IngressClass, apiVersions: ["networking.k8s.io/v1"], kind: "IngressClass" },
  events: { schema: k8s.Event, apiVersions: CORE, kind: "Event" },
  daemonsets: { schema: k8s.Workload, apiVersions: ["apps/v1"], kind: "DaemonSet" },
  deployments: { schema: k8s.Workload, apiVersions: ["apps/v1"], kind: "Deployment" },
  statefulsets: { schema: k8s.Workload, apiVersions: ["apps/v1"], kind: "StatefulSet" },
  configmaps: { schema: k8s.ConfigMap, apiVersions: CORE, kind: "ConfigMap" },
  gateways: { schema: k8s.GenericObject, apiVersions: [], kind: "Gateway" },
  httproutes: { schema: k8s.GenericObject, apiVersions: [], kind: "HTTPRoute" },
  gatewayclasses: { schema: k8s.GenericObject, apiVersions: [], kind: "GatewayClass" },
  referencegrants: { schema: k8s.GenericObject, apiVersions: [], kind: "ReferenceGrant" },
  peerauthentications: { schema: k8s.GenericObject, apiVersions: [], kind: "PeerAuthentication" },
  virtualservices: { schema: k8s.GenericObject, apiVersions: [], kind: "VirtualService" },
  destinationrules: { schema: k8s.GenericObject, apiVersions: [], kind: "DestinationRule" },
  ciliumnetworkpolicies: { schema: k8s.GenericObject, apiVersions: [], kind: "CiliumNetworkPolicy" },
  globalnetworkpolicies: { schema: k8s.GenericObject, apiVersions: [], kind: "GlobalNetworkPolicy" },
};

export const RESOURCE_NAMES = Object.keys(RESOURCE_SPECS) as ResourceName[];

interface Location {
  file: string;
  index: number;
}

/**
 * The model takes the resource files' bytes out of `snapshot.files` as it
 * parses them (a large cluster's pods.json alone is hundreds of MB, and its
 * bytes, text and objects must not all be alive at once). Build one model per
 * snapshot read.
 */
export function buildModel(snapshot: SnapshotFiles): ClusterModel {
  const warnings = [...snapshot.warnings];
  const locations = new WeakMap<object, Location>();
  const presentFiles = new Set(snapshot.files.keys());
  const text = (path: string): string | undefined => snapshot.files.get(path)?.toString("utf8");

  const manifest = parseManifest(text("manifest.json"), warnings);
  const resources = {} as Resources;
  for (const name of RESOURCE_NAMES) {
    (resources as unknown as Record<string, unknown[]>)[name] = loadResource(snapshot, name, RESOURCE_SPECS[name], locations, warnings);
  }
  const { logs, nodeFiles, probes } = loadTextFiles(snapshot);
  const secrets = parseSecrets(text("resources/secrets.tsv"), warnings);
  if (![...presentFiles].some(isResourcePath)) {
    warnings.push("no resources/ files in the snapshot: only logs, node data and probes were checked");
  }
  return new IndexedModel(snapshot.source, presentFiles, manifest, resources, logs, secrets, nodeFiles, probes, warnings, locations);
}

/** A file's bytes, taken out of the snapshot: once parsed, only the objects kept from them stay alive. */
function takeBytes(snapshot: SnapshotFiles, file: string): Buffer | undefined {
  const bytes = snapshot.files.get(file);
  snapshot.files.delete(file);
  return bytes;
}

/** Thrown while a file's items are iterated: the file does not parse after all, and nothing of it is kept. */
class UnreadableFile extends Error {}

/**
 * A resource file's items, one at a time. A JSON List is parsed item by item
 * from its bytes (see json-list.ts); anything else is parsed whole, each raw
 * item let go of as it is handed over. Throws UnreadableFile, after some
 * items, if the file turns out not to be valid JSON (warned with its line).
 */
function* resourceItems(file: string, bytes: Buffer, warnings: string[]): Generator<unknown> {
  const list = file.endsWith(".json") ? listItems(bytes) : undefined;
  if (list) {
    try {
      yield* list;
      return;
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
    }
    if (readDocuments(file, bytes.toString("utf8"), warnings)) warnings.push(`${file}: could not be read item by item; file skipped`);
    throw new UnreadableFile(file);
  }
  const docs = readDocuments(file, bytes.toString("utf8"), warnings);
  for (const doc of docs ?? []) {
    if (!doc || typeof doc !== "object") {
      if (doc !== null && doc !== undefined) warnings.push(`${file}: a ${typeof doc} where a Kubernetes List was expected; skipped`);
      continue;
    }
    const items = itemsOf(doc);
    for (let at = 0; at < items.length; at++) {
      const item = items[at];
      // The validated copy shares what it does not model with the raw item; the rest of the raw item can go now.
      items[at] = undefined;
      yield item;
    }
  }
}

function readDocuments(file: string, src: string, warnings: string[]): unknown[] | undefined {
  if (file.endsWith(".json")) {
    try {
      return [JSON.parse(src) as unknown];
    } catch (e) {
      warnings.push(`${file}: ${describeJsonError(src, e)}; file skipped`);
      return undefined;
    }
  }
  const tooDeep = yamlDepthProblem(src);
  if (tooDeep) {
    warnings.push(`${file}: ${tooDeep}; file skipped`);
    return undefined;
  }
  const lineCounter = new LineCounter();
  // logLevel "error": the library's own warnings would go to stderr through process.emitWarning.
  const docs = parseAllDocuments(src, { lineCounter, prettyErrors: true, uniqueKeys: true, logLevel: "error" });
  if (!Array.isArray(docs)) return [];
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const line = err.linePos?.[0]?.line;
      warnings.push(`${file}: invalid YAML${line ? ` at line ${line}` : ""} (${err.message.split("\n")[0]}); document skipped`);
      continue;
    }
    // kubectl never prints aliases: refusing them closes "billion laughs" documents before any is expanded.
    const alias = firstAliasLine(doc, lineCounter);
    if (alias !== undefined) {
      warnings.push(`${file}: YAML alias at line ${alias} (kubectl never writes aliases; they can expand without bound); document skipped`);
      continue;
    }
    out.push(doc.toJS({ maxAliasCount: 0 }));
  }
  return out;
}

/** Line of the first alias (`*name`) in a document, if it has one. */
function firstAliasLine(doc: Document.Parsed, lines: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, (_key, node) => {
    if (!isAlias(node)) return undefined;
    line = lines.linePos(node.range?.[0] ?? 0).line;
    return visit.BREAK;
  });
  return line;
}

function itemsOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === "object" && Array.isArray((doc as { items?: unknown }).items)) return (doc as { items: unknown[] }).items;
  if (doc && typeof doc === "object") return [doc];
  return [];
}

function describeItem(item: unknown): string {
  const md = (item as { metadata?: { namespace?: unknown; name?: unknown } } | null)?.metadata;
  if (md && typeof md.name === "string") return typeof md.namespace === "string" ? ` (${md.namespace}/${md.name})` : ` (${md.name})`;
  return "";
}

/** Per file, the first few skipped items are named; the rest are counted (a corrupt 50,000-item list is one problem, not 50,000). */
const ITEM_WARNINGS_PER_FILE = 20;

function loadResource(snapshot: SnapshotFiles, name: ResourceName, spec: ResourceSpec, locations: WeakMap<object, Location>, warnings: string[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (const ext of ["json", "yaml", "yml"]) {
    const file = `resources/${name}.${ext}`;
    const bytes = takeBytes(snapshot, file);
    if (!bytes) continue;
    const kept: object[] = [];
    const keys: string[] = [];
    const skipped: string[] = [];
    let index = 0;
    try {
      for (const item of resourceItems(file, bytes, warnings)) {
        const i = index++;
        const parsed = validateItem(file, i, item, spec, skipped) as { metadata: { namespace?: string; name: string } } | undefined;
        if (!parsed) continue;
        const key = `${parsed.metadata.namespace ?? ""}/${parsed.metadata.name}`;
        if (seen.has(key)) {
          skipped.push(`${file}: item ${i}${describeItem(item)} skipped: duplicate of an earlier item`);
          continue;
        }
        seen.add(key);
        keys.push(key);
        locations.set(parsed, { file, index: i });
        kept.push(parsed);
      }
    } catch (e) {
      if (!(e instanceof UnreadableFile)) throw e;
      for (const key of keys) seen.delete(key);
      continue;
    }
    for (const object of kept) out.push(object);
    warnings.push(...skipped.slice(0, ITEM_WARNINGS_PER_FILE));
    if (skipped.length > ITEM_WARNINGS_PER_FILE) warnings.push(`${file}: ${skipped.length - ITEM_WARNINGS_PER_FILE} more items skipped`);
  }
  return out;
}

function validateItem(file: string, i: number, item: unknown, spec: ResourceSpec, warnings: string[]): unknown {
  const where = `${file}: item ${i}${describeItem(item)}`;
  if (!item || typeof item !== "object" || Array.isArray(item)) {
    warnings.push(`${where} skipped: not an object`);
    return undefined;
  }
  const { kind, apiVersion } = item as { kind?: unknown; apiVersion?: unknown };
  if (typeof kind === "string" && kind !== spec.kind) {
    warnings.push(`${where} skipped: kind ${kind} where ${spec.kind} was expected`);
    return undefined;
  }
  if (typeof apiVersion === "string" && spec.apiVersions.length > 0 && !spec.apiVersions.includes(apiVersion)) {
    warnings.push(`${where} skipped: unsupported apiVersion ${apiVersion} (expected ${spec.apiVersions.join(" or ")})`);
    return undefined;
  }
  const result = spec.schema.safeParse(item);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
    warnings.push(`${where} skipped: ${path ? `${path}: ` : ""}${issue.message}`);
    return undefined;
  }
  return result.data;
}

const RESOURCE_FILE = /^resources\/([a-z]+)\.(json|ya?ml)$/;

function isResourcePath(path: string): boolean {
  const m = RESOURCE_FILE.exec(path);
  return path === "resources/secrets.tsv" || (!!m && Object.hasOwn(RESOURCE_SPECS, m[1]!));
}

/** A path the model reads: a known resource file, a container log, a node file or a probe. */
function isSnapshotContent(path: string): boolean {
  const parts = path.split("/");
  if (parts[0] === "logs") return parts.length === 4 && parts[3]!.endsWith(".log");
  if (parts[0] === "nodes") return parts.length >= 3;
  if (parts[0] === "probes") return parts.length === 2;
  return isResourcePath(path);
}

/**
 * Refuses a snapshot with nothing to diagnose (a directory of something else, a
 * tar of a project, a manifest alone): one line saying what was found instead.
 */
export function requireSnapshotContent(snapshot: SnapshotFiles): void {
  const names = [...snapshot.files.keys()];
  if (names.some(isSnapshotContent)) return;
  const found = names.length === 0 ? "nothing" : `only ${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""}`;
  const manifest = parseManifest(snapshot.files.get("manifest.json")?.toString("utf8"), []);
  const errors = manifest?.errors ?? [];
  const collector = errors.length > 0 ? `; the collector recorded ${errors.length} errors, the first: ${errors[0]!.step}: ${errors[0]!.message}` : "";
  throw new SnapshotError(`cannot read snapshot ${snapshot.source}: no resources/, logs/, nodes/ or probes/ files in it (${found})${collector}`);
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * A node's files, kept as the reader left them (bytes, or compacted text) and
 * decoded when asked for: the text of 100 nodes' dumps would double what the
 * snapshot already costs in memory.
 */
export class NodeFileTexts implements ReadonlyMap<string, string> {
  private readonly sources = new Map<string, Buffer | CompactText>();

  add(file: string, source: Buffer | CompactText): void {
    this.sources.set(file, source);
  }
  compact(file: string): CompactText | undefined {
    const s = this.sources.get(file);
    return s && !Buffer.isBuffer(s) ? s : undefined;
  }
  get(file: string): string | undefined {
    const s = this.sources.get(file);
    return s === undefined ? undefined : Buffer.isBuffer(s) ? s.toString("utf8") : s.text();
  }
  has(file: string): boolean {
    return this.sources.has(file);
  }
  get size(): number {
    return this.sources.size;
  }
  keys(): MapIterator<string> {
    return this.sources.keys();
  }
  *entries(): MapIterator<[string, string]> {
    for (const file of this.sources.keys()) yield [file, this.get(file)!];
  }
  *values(): MapIterator<string> {
    for (const file of this.sources.keys()) yield this.get(file)!;
  }
  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    for (const [file, text] of this.entries()) callback(text, file, this);
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

function loadTextFiles(snapshot: SnapshotFiles): { logs: LogFile[]; nodeFiles: Map<string, NodeFileTexts>; probes: Map<string, string> } {
  const logs: LogFile[] = [];
  const nodeFiles = new Map<string, NodeFileTexts>();
  const probes = new Map<string, string>();
  const nodeFile = (parts: string[], source: Buffer | CompactText) => {
    const node = parts[1]!;
    let files = nodeFiles.get(node);
    if (!files) nodeFiles.set(node, (files = new NodeFileTexts()));
    files.add(parts.slice(2).join("/"), source);
  };
  for (const [path, buf] of snapshot.files) {
    const parts = path.split("/");
    if (parts[0] === "logs" && parts.length === 4 && parts[3]!.endsWith(".log")) {
      const previous = parts[3]!.endsWith(".previous.log");
      const container = parts[3]!.slice(0, previous ? -".previous.log".length : -".log".length);
      logs.push({ path, namespace: parts[1]!, pod: parts[2]!, container, previous, lines: splitLines(buf.toString("utf8")) });
    } else if (parts[0] === "nodes" && parts.length >= 3) {
      nodeFile(parts, snapshot.compacted?.get(path) ?? buf);
    } else if (parts[0] === "probes" && parts.length === 2) {
      probes.set(parts[1]!, buf.toString("utf8"));
    }
  }
  logs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { logs, nodeFiles, probes };
}

function parseSecrets(src: string | undefined, warnings: string[]): SecretEntry[] | undefined {
  if (src === undefined) return undefined;
  const out: SecretEntry[] = [];
  splitLines(src).forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("#")) return;
    const [namespace, name, type] = line.split("\t");
    if (!namespace || !name) {
      warnings.push(`resources/secrets.tsv: line ${i + 1} skipped: expected namespace<TAB>name<TAB>type`);
      return;
    }
    out.push({ namespace, name, type: type ?? "" });
  });
  return out;
}

/** Path segments without the file extension of the last one: `resources/pods.json` → [resources, pods]. */
function stepSegments(path: string): string[] {
  return path.replace(/ \(.*\)$/, "").replace(/\.(json|ya?ml|txt|log|tsv)$/, "").split("/");
}

/**
 * Whether a collector step (manifest errors/unavailable) explains a missing
 * file or glob: one is a path prefix of the other, `*` matching any segment
 * (`nodes/node-1` covers the glob `nodes/<any>/iptables-save.txt`; `nodes` covers all node data).
 */
export function stepCovers(step: string, pattern: string): boolean {
  const a = stepSegments(step);
  const b = stepSegments(pattern);
  if (a.length === 1 && b.length > 1 && a[0] === b[b.length - 1]) return true;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i] && b[i] !== "*" && a[i] !== "*") return false;
  return true;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
  return new RegExp(`^${escaped}$`);
}

const REPLICASET_HASH = /-([a-z0-9]{5,10})$/;

class IndexedModel implements ClusterModel {
  private readonly byNamespace = new Map<string, k8s.Pod[]>();
  private readonly byNode = new Map<string, k8s.Pod[]>();
  private readonly byIP = new Map<string, k8s.Pod>();
  private readonly servicesByKey = new Map<string, k8s.Service>();
  private readonly endpointsByKey = new Map<string, k8s.Endpoints>();
  private readonly slicesByService = new Map<string, k8s.EndpointSlice[]>();
  private readonly eventsByObject = new Map<string, k8s.Event[]>();
  private readonly namespacesByName = new Map<string, k8s.Namespace>();
  private readonly nodesByName = new Map<string, k8s.Node>();
  private readonly configMapsByKey = new Map<string, k8s.ConfigMap>();
  private readonly workloadsByKey = new Map<string, WorkloadGroup>();
  private readonly workloadOfPod = new Map<k8s.Pod, WorkloadGroup>();
  private readonly memos = new Map<string, unknown>();
  /** Rules ask has() for the same few patterns once per rule: answered once each. */
  private readonly hasCache = new Map<string, boolean>();
  private readonly logsByNamespace = new Map<string, LogFile[]>();

  constructor(
    readonly source: string,
    private readonly presentFiles: ReadonlySet<string>,
    readonly manifest: Manifest | undefined,
    readonly resources: Resources,
    readonly logs: LogFile[],
    readonly secrets: SecretEntry[] | undefined,
    readonly nodeFiles: Map<string, NodeFileTexts>,
    readonly probes: Map<string, string>,
    readonly warnings: string[],
    private readonly locations: WeakMap<object, Location>,
  ) {
    this.index();
  }

  private index(): void {
    const r = this.resources;
    for (const pod of r.pods) {
      const ns = pod.metadata.namespace ?? "default";
      push(this.byNamespace, ns, pod);
      if (pod.spec.nodeName) push(this.byNode, pod.spec.nodeName, pod);
      // Host-network pods share the node IP: indexing them would shadow real pod IPs.
      if (!pod.spec.hostNetwork) for (const ip of podIPs(pod)) this.byIP.set(ip, pod);
    }
    for (const s of r.services) this.servicesByKey.set(nsKey(s.metadata), s);
    for (const e of r.endpoints) this.endpointsByKey.set(nsKey(e.metadata), e);
    for (const s of r.endpointslices) {
      const svc = s.metadata.labels["kubernetes.io/service-name"];
      if (svc) push(this.slicesByService, `${s.metadata.namespace ?? ""}/${svc}`, s);
    }
    for (const e of r.events) {
      const o = e.involvedObject;
      if (o.kind && o.name) push(this.eventsByObject, `${o.kind}/${o.namespace ?? ""}/${o.name}`, e);
    }
    for (const n of r.namespaces) this.namespacesByName.set(n.metadata.name, n);
    for (const n of r.nodes) this.nodesByName.set(n.metadata.name, n);
    for (const c of r.configmaps) this.configMapsByKey.set(nsKey(c.metadata), c);
    for (const l of this.logs) push(this.logsByNamespace, l.namespace, l);
    this.indexWorkloads();
  }

  private indexWorkloads(): void {
    const controllers = new Map<string, k8s.Workload>();
    for (const [kind, list] of [["Deployment", this.resources.deployments], ["DaemonSet", this.resources.daemonsets], ["StatefulSet", this.resources.statefulsets]] as const) {
      for (const w of list) controllers.set(`${kind}/${w.metadata.namespace ?? ""}/${w.metadata.name}`, w);
    }
    for (const pod of this.resources.pods) {
      const ns = pod.metadata.namespace ?? "default";
      const ref = topOwner(pod, ns);
      const key = `${ref.kind}/${ns}/${ref.name}`;
      let group = this.workloadsByKey.get(key);
      if (!group) {
        group = { ref, pods: [] };
        const object = controllers.get(key);
        if (object) group.object = object;
        this.workloadsByKey.set(key, group);
      }
      group.pods.push(pod);
      this.workloadOfPod.set(pod, group);
    }
  }

  has(pattern: string): boolean {
    let found = this.hasCache.get(pattern);
    if (found === undefined) {
      const variants = pattern.endsWith(".json") && pattern.startsWith("resources/")
        ? [pattern, pattern.replace(/\.json$/, ".yaml"), pattern.replace(/\.json$/, ".yml")]
        : [pattern];
      found = variants.some((p) => {
        if (!p.includes("*")) return this.presentFiles.has(p);
        const glob = globToRegExp(p);
        for (const f of this.presentFiles) if (glob.test(f)) return true;
        return false;
      });
      this.hasCache.set(pattern, found);
    }
    return found;
  }

  missingReason(pattern: string): string | undefined {
    const m = this.manifest;
    const err = m?.errors?.find((e) => stepCovers(e.step, pattern));
    if (err) return `${err.step}: ${err.message}`;
    const unavailable = m?.unavailable?.find((u) => stepCovers(u.step, pattern));
    if (unavailable) return `${unavailable.step}: ${unavailable.reason}`;
    if (pattern.startsWith("nodes/") && m?.scope?.nodeData === "skip") return "node data not collected (collector run with --no-node-data)";
    return undefined;
  }

  evidence(obj: object, subpath?: string, excerpt?: string): Evidence {
    const loc = this.locations.get(obj);
    const md = (obj as { metadata?: { namespace?: string; name?: string } }).metadata;
    const label = md?.name ? `${md.namespace ? `${md.namespace}/` : ""}${md.name}` : "object";
    if (!loc) return { file: "(derived)", excerpt: clip(excerpt ?? label) };
    const path = `items[${loc.index}]${subpath ? (subpath.startsWith("[") ? subpath : `.${subpath}`) : ""}`;
    return { file: loc.file, path, excerpt: clip(excerpt ?? label) };
  }

  podsInNamespace(ns: string): readonly k8s.Pod[] {
    return this.byNamespace.get(ns) ?? [];
  }
  podsOnNode(node: string): readonly k8s.Pod[] {
    return this.byNode.get(node) ?? [];
  }
  podByIP(ip: string): k8s.Pod | undefined {
    return this.byIP.get(ip);
  }
  service(ns: string, name: string): k8s.Service | undefined {
    return this.servicesByKey.get(`${ns}/${name}`);
  }
  endpointsFor(ns: string, name: string): k8s.Endpoints | undefined {
    return this.endpointsByKey.get(`${ns}/${name}`);
  }
  slicesFor(ns: string, name: string): readonly k8s.EndpointSlice[] {
    return this.slicesByService.get(`${ns}/${name}`) ?? [];
  }
  eventsFor(kind: string, ns: string | undefined, name: string): readonly k8s.Event[] {
    return this.eventsByObject.get(`${kind}/${ns ?? ""}/${name}`) ?? [];
  }
  namespace(name: string): k8s.Namespace | undefined {
    return this.namespacesByName.get(name);
  }
  node(name: string): k8s.Node | undefined {
    return this.nodesByName.get(name);
  }
  configMap(ns: string, name: string): k8s.ConfigMap | undefined {
    return this.configMapsByKey.get(`${ns}/${name}`);
  }
  workloadOf(pod: k8s.Pod): WorkloadGroup {
    return this.workloadOfPod.get(pod)!;
  }
  workloads(): readonly WorkloadGroup[] {
    return [...this.workloadsByKey.values()];
  }
  logsOf(ns: string, podPrefix?: string): readonly LogFile[] {
    const inNamespace = this.logsByNamespace.get(ns) ?? [];
    return podPrefix ? inNamespace.filter((l) => l.pod.startsWith(podPrefix)) : inNamespace;
  }
  compactNodeFile(node: string, file: string): CompactText | undefined {
    return this.nodeFiles.get(node)?.compact(file);
  }
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function nsKey(md: { namespace?: string; name: string }): string {
  return `${md.namespace ?? ""}/${md.name}`;
}

export function podIPs(pod: k8s.Pod): string[] {
  const ips = (pod.status.podIPs ?? []).map((p) => p.ip);
  if (pod.status.podIP && !ips.includes(pod.status.podIP)) ips.unshift(pod.status.podIP);
  return ips;
}

/** Deployment pods are owned by a ReplicaSet named `<deployment>-<pod-template-hash>`. */
function topOwner(pod: k8s.Pod, ns: string): WorkloadGroup["ref"] {
  const owners = pod.metadata.ownerReferences ?? [];
  const owner = owners.find((o) => o.controller) ?? owners[0];
  if (!owner) return { kind: "Pod", namespace: ns, name: pod.metadata.name };
  if (owner.kind === "ReplicaSet") {
    const hash = pod.metadata.labels["pod-template-hash"];
    const m = REPLICASET_HASH.exec(owner.name);
    if ((hash && owner.name.endsWith(`-${hash}`)) || (!hash && m)) {
      return { kind: "Deployment", namespace: ns, name: owner.name.slice(0, owner.name.lastIndexOf("-")) };
    }
  }
  return { kind: owner.kind, namespace: ns, name: owner.name };
}
