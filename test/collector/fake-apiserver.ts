/**
 * A fake Kubernetes API server for running the real collector with the real
 * kubectl: it answers the paths kubectl calls (discovery, lists, gets, pod logs,
 * exec over WebSocket, the pod create/delete of `kubectl debug node/`) from the
 * recorded responses in test/collector/recorded/. Plain HTTP on 127.0.0.1 and a
 * random free port; kubectl talks to it through a kubeconfig with an http:// URL.
 *
 * It follows what a real API server does where kubectl can tell the difference:
 * list items carry no kind/apiVersion, get-by-name objects do; label selectors
 * filter server-side; secrets are served as a server-side Table when kubectl asks
 * for one (the default printer does); kubelet-style limits apply to logs.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join, posix } from "node:path";

export const RECORDED = join(import.meta.dirname, "recorded");

export interface FakeApiOptions {
  /** Resources (plural, e.g. "networkpolicies", or "pods/exec") answered with 403 Forbidden. */
  forbid?: string[];
  /** Answer exec with a plain 404 instead of upgrading (an API server path that cannot exec). */
  execUnsupported?: boolean;
  /** Keep pods created by `kubectl debug` Pending forever. */
  holdDebugPods?: boolean;
  /** Optional APIs installed on top of the recorded cluster: folders of recorded/ with their own discovery/ and objects/ (e.g. "gateway-api"). */
  install?: string[];
  /** Group versions (e.g. "gateway.networking.k8s.io/v1") whose discovery answers 503, as when an API service is down. */
  discoveryDown?: string[];
}

export interface RequestRecord {
  method: string;
  path: string;
  query: URLSearchParams;
  accept?: string;
  /** The argv of an exec request. */
  command?: string[];
}

export interface FakeApiServer {
  url: string;
  requests: RequestRecord[];
  /** Paths the server had no answer for (404 not caused by a missing object). */
  unknown: string[];
  /** Names of pods created through POST and still present. */
  createdPods: () => string[];
  deletedPods: string[];
  close: () => Promise<void>;
}

type Json = Record<string, unknown>;
interface ApiResource {
  plural: string;
  kind: string;
  namespaced: boolean;
  group: string;
  version: string;
  /** The recorded folder holding its objects/. */
  folder: string;
}
interface ImageInfo {
  binaries: string[];
  mounts: Record<string, string>;
}
interface ExecTable {
  images: Record<string, ImageInfo>;
  node: { binaries: string[] };
  kubeletResolvConf: string;
  commands: Record<string, string>;
}

const readJson = (path: string): Json => JSON.parse(readFileSync(path, "utf8")) as Json;

function status(code: number, reason: string, message: string, details?: Json): Json {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

/** Label selector semantics of the API server: =, ==, !=, in, notin, exists, !exists; comma = AND. */
export function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms.every((raw) => {
    const term = raw.trim();
    if (term === "") return true;
    const set = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    if (set) {
      const [, key = "", op, values = ""] = set;
      const inSet = values.split(",").map((v) => v.trim()).includes(labels[key] ?? "\u0000");
      return op === "in" ? inSet : !inSet;
    }
    const cmp = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (cmp) {
      const [, key = "", op, value] = cmp;
      return op === "!=" ? labels[key] !== value : labels[key] === value;
    }
    if (term.startsWith("!")) return !(term.slice(1) in labels);
    return term in labels;
  });
}

// ---- WebSocket (RFC 6455), just what the v5.channel.k8s.io exec protocol needs ----
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  let header: Buffer;
  if (len < 126) header = Buffer.from([0x80 | opcode, len]);
  else if (len < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

function sendChannel(socket: Socket, channel: number, data: Buffer): void {
  for (let at = 0; at < data.length || (at === 0 && data.length === 0); at += 32 * 1024) {
    socket.write(wsFrame(0x2, Buffer.concat([Buffer.from([channel]), data.subarray(at, at + 32 * 1024)])));
    if (data.length === 0) break;
  }
}

interface ExecResult {
  stdout?: Buffer;
  stderr?: string;
  exitCode?: number;
  /** The container runtime could not start the process (kubectl: "error: Internal error occurred: …"). */
  runtimeError?: string;
}

export async function startFakeApiServer(options: FakeApiOptions = {}): Promise<FakeApiServer> {
  const forbid = new Set(options.forbid ?? []);
  const requests: RequestRecord[] = [];
  const unknown: string[] = [];
  const deletedPods: string[] = [];
  const version = readFileSync(join(RECORDED, "version.json"));
  const execTable = readJson(join(RECORDED, "exec", "images.json")) as unknown as ExecTable;

  // Discovery documents and the resources they declare: the recorded cluster's, then the installed APIs'.
  const discovery = new Map<string, Buffer>();
  const resources = new Map<string, ApiResource>(); // "<group>/<plural>" ("" group for core)
  const installedVersions = new Map<string, string[]>(); // group → versions, for /apis
  for (const folder of [RECORDED, ...(options.install ?? []).map((name) => join(RECORDED, name))]) {
    for (const file of readdirSync(join(folder, "discovery"))) {
      const path = "/" + file.replace(/\.json$/, "").replaceAll("_", "/");
      const body = readFileSync(join(folder, "discovery", file));
      discovery.set(path, body);
      const doc = JSON.parse(body.toString()) as Json;
      if (doc.kind !== "APIResourceList") continue;
      const gv = String(doc.groupVersion);
      const [group = "", version = ""] = gv.includes("/") ? gv.split("/") : ["", gv];
      if (folder !== RECORDED) installedVersions.set(group, [...(installedVersions.get(group) ?? []), version]);
      for (const r of doc.resources as Json[]) {
        const plural = String(r.name);
        if (plural.includes("/")) continue;
        // The first version listed is the preferred one (v1 before v1beta1), as the object files are.
        if (resources.has(`${group}/${plural}`)) continue;
        resources.set(`${group}/${plural}`, { plural, kind: String(r.kind), namespaced: Boolean(r.namespaced), group, version, folder });
      }
    }
  }
  const groupList = JSON.parse(discovery.get("/apis")!.toString()) as { groups: Json[] };
  for (const [name, versions] of installedVersions) {
    const sorted = [...versions].sort((a, b) => (a === "v1" ? -1 : b === "v1" ? 1 : a.localeCompare(b)));
    const entry = (v: string) => ({ groupVersion: `${name}/${v}`, version: v });
    groupList.groups.push({ name, versions: sorted.map(entry), preferredVersion: entry(sorted[0]!) });
  }
  discovery.set("/apis", Buffer.from(JSON.stringify(groupList)));
  const discoveryDown = new Set((options.discoveryDown ?? []).map((gv) => `/apis/${gv}`));

  // Objects per resource, loaded once; pods also change through create/delete.
  const objects = new Map<string, Json[]>();
  const objectsOf = (res: ApiResource): Json[] => {
    const key = `${res.group}/${res.plural}`;
    let items = objects.get(key);
    if (!items) {
      const file = join(res.folder, "objects", res.group ? `${res.plural}.${res.group}.json` : `${res.plural}.json`);
      items = existsSync(file) ? ((readJson(file).items as Json[]) ?? []) : [];
      objects.set(key, items);
    }
    return items;
  };
  const meta = (o: Json) => o.metadata as { name: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string };
  const apiVersionOf = (res: ApiResource) => (res.group ? `${res.group}/${res.version}` : res.version);
  const podsResource = resources.get("/pods")!;
  const findPod = (ns: string, name: string) => objectsOf(podsResource).find((p) => meta(p).namespace === ns && meta(p).name === name);
  const debugPods = new Map<string, { phase: string }>();

  const send = (res: ServerResponse, code: number, body: Json | Buffer | string, type = "application/json") => {
    res.statusCode = code;
    res.setHeader("Content-Type", type);
    res.end(Buffer.isBuffer(body) || typeof body === "string" ? body : JSON.stringify(body));
  };
  const forbidden = (res: ServerResponse, r: ApiResource, verb: string, ns?: string) =>
    send(
      res,
      403,
      status(
        403,
        "Forbidden",
        `${r.plural}${r.group ? "." + r.group : ""} is forbidden: User "system:serviceaccount:support:netdiag" cannot ${verb} resource "${r.plural}" in API group "${r.group}" ${ns ? `in the namespace "${ns}"` : "at the cluster scope"}`,
        { group: r.group, kind: r.plural },
      ),
    );

  /** The server-side Table kubectl's default printer asks for: no secret data in it. */
  const secretsTable = (items: Json[]): Json => ({
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion: "48211" },
    columnDefinitions: [
      { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace.", priority: 0 },
      { name: "Type", type: "string", format: "", description: "Used to facilitate programmatic handling of secret data.", priority: 0 },
      { name: "Data", type: "string", format: "", description: "Data contains the secret data.", priority: 0 },
      { name: "Age", type: "string", format: "", description: "CreationTimestamp is a timestamp representing the server time when this object was created.", priority: 0 },
    ],
    rows: items.map((s) => ({
      cells: [meta(s).name, s.type ?? "Opaque", Object.keys((s.data as Json) ?? {}).length, "12d"],
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: s.metadata },
    })),
  });

  function handleLogs(res: ServerResponse, ns: string, podName: string, query: URLSearchParams) {
    const pod = findPod(ns, podName);
    if (!pod) return send(res, 404, status(404, "NotFound", `pods "${podName}" not found`, { name: podName, kind: "pods" }));
    const container = query.get("container") ?? "";
    const spec = pod.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
    const names = [...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.name);
    if (!names.includes(container))
      return send(res, 400, status(400, "BadRequest", `container ${container} is not valid for pod ${podName}`));
    const dir = join(RECORDED, "logs", ns, podName);
    const errorFile = join(dir, `${container}.error.json`);
    if (existsSync(errorFile)) {
      const err = readJson(errorFile);
      return send(res, Number(err.code), err);
    }
    const previous = query.get("previous") === "true";
    const file = join(dir, previous ? `${container}.previous.log` : `${container}.log`);
    if (!existsSync(file)) {
      if (previous)
        return send(res, 400, status(400, "BadRequest", `previous terminated container "${container}" in pod "${podName}" not found`));
      return send(res, 200, "", "text/plain");
    }
    // The kubelet applies tailLines first, then limitBytes from the start of what is left.
    let text = readFileSync(file);
    const tail = Number(query.get("tailLines") ?? NaN);
    if (Number.isInteger(tail) && tail >= 0) {
      const lines = text.toString("latin1").split("\n");
      if (lines.at(-1) === "") lines.pop();
      text = Buffer.from(lines.slice(Math.max(0, lines.length - tail)).map((l) => l + "\n").join(""), "latin1");
    }
    const limit = Number(query.get("limitBytes") ?? NaN);
    if (Number.isInteger(limit) && limit > 0) text = text.subarray(0, limit);
    send(res, 200, text, "text/plain");
  }

  /** Resolve a path as a process in this pod sees it, to a file of the node's recorded filesystem. */
  function nodeFile(node: string, image: ImageInfo | undefined, path: string, chrooted: boolean): string | undefined {
    let nodePath: string | undefined;
    if (chrooted) nodePath = path;
    else if (path === "/etc/resolv.conf") nodePath = execTable.kubeletResolvConf;
    else {
      const mount = Object.keys(image?.mounts ?? {})
        .filter((m) => path === m || path.startsWith(m.endsWith("/") ? m : m + "/"))
        .sort((a, b) => b.length - a.length)[0];
      if (mount !== undefined) nodePath = posix.join(image!.mounts[mount]!, path.slice(mount.length));
    }
    if (nodePath === undefined) return undefined;
    const normalized = posix.normalize(nodePath);
    if (normalized.includes("..")) return undefined;
    return join(RECORDED, "nodes", node, "fs", normalized);
  }

  function runExec(pod: Json, containerName: string, argv: string[]): ExecResult {
    const spec = pod.spec as { nodeName: string; containers: { name: string; image: string }[] };
    const image = spec.containers.find((c) => c.name === containerName)?.image ?? "";
    const info = execTable.images[image];
    const busybox = image.startsWith("busybox");
    let chrooted = false;
    let binaries = info?.binaries ?? [];
    let args = argv;
    if (args[0] === "chroot" && binaries.includes("chroot")) {
      chrooted = true;
      args = args.slice(2);
      binaries = execTable.node.binaries;
    }
    const [bin = "", ...rest] = args;
    if (!binaries.includes(bin)) {
      if (chrooted) return { stderr: `chroot: can't execute '${bin}': No such file or directory\n`, exitCode: 127 };
      const id = createHash("sha256").update(argv.join(" ")).digest("hex");
      return {
        runtimeError: `error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown`,
      };
    }
    const node = spec.nodeName;
    const gnu = !busybox || chrooted;
    if (bin === "cat" || bin === "ls") {
      const path = rest.filter((a) => !a.startsWith("-"))[0] ?? "";
      const file = nodeFile(node, info, path, chrooted);
      const exists = file !== undefined && existsSync(file);
      if (!exists) {
        if (bin === "cat") return { stderr: gnu ? `cat: ${path}: No such file or directory\n` : `cat: can't open '${path}': No such file or directory\n`, exitCode: 1 };
        return { stderr: gnu ? `ls: cannot access '${path}': No such file or directory\n` : `ls: ${path}: No such file or directory\n`, exitCode: gnu ? 2 : 1 };
      }
      const isDir = statSync(file).isDirectory();
      if (bin === "ls") return { stdout: Buffer.from(isDir ? readdirSync(file).sort().map((n) => n + "\n").join("") : path + "\n"), exitCode: 0 };
      if (isDir) return { stderr: gnu ? `cat: ${path}: Is a directory\n` : "cat: read error: Is a directory\n", exitCode: 1 };
      return { stdout: readFileSync(file), exitCode: 0 };
    }
    const output = execTable.commands[args.join(" ")];
    const file = output && join(RECORDED, "nodes", node, "commands", output);
    if (!file || !existsSync(file)) return { stderr: `fake apiserver: no recorded output for "${args.join(" ")}" on ${node}\n`, exitCode: 1 };
    return { stdout: readFileSync(file), exitCode: 0 };
  }

  function handleExecUpgrade(req: IncomingMessage, socket: Socket, url: URL) {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const command = url.searchParams.getAll("command");
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, command });
    const reject = (code: number, body: Json) => {
      const text = JSON.stringify(body);
      socket.end(`HTTP/1.1 ${code} ${code === 403 ? "Forbidden" : "Not Found"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    };
    if (!m) return reject(404, status(404, "NotFound", "the server could not find the requested resource"));
    const [, ns = "", podName = ""] = m;
    if (forbid.has("pods/exec"))
      return reject(
        403,
        status(403, "Forbidden", `pods "${podName}" is forbidden: User "system:serviceaccount:support:netdiag" cannot create resource "pods/exec" in API group "" in the namespace "${ns}"`, { name: podName, kind: "pods" }),
      );
    if (options.execUnsupported) return reject(404, status(404, "NotFound", "the server could not find the requested resource"));
    // kubectl before 1.30 (or with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false) asks for SPDY/3.1.
    if (String(req.headers.upgrade ?? "").toLowerCase() !== "websocket")
      return reject(404, status(404, "NotFound", "fake apiserver: exec over SPDY is not implemented, only WebSocket (kubectl 1.30+)"));
    const pod = findPod(ns, podName);
    if (!pod) return reject(404, status(404, "NotFound", `pods "${podName}" not found`));

    const key = String(req.headers["sec-websocket-key"] ?? "");
    const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`,
    );
    socket.on("data", () => {}); // client frames (close, ping) need no answer here
    socket.on("error", () => {});
    const result = runExec(pod, url.searchParams.get("container") ?? "", command);
    if (result.stdout && result.stdout.length > 0) sendChannel(socket, 1, result.stdout);
    if (result.stderr) sendChannel(socket, 2, Buffer.from(result.stderr));
    let statusBody: Json;
    if (result.runtimeError) {
      statusBody = { ...status(500, "InternalError", `Internal error occurred: ${result.runtimeError}`, { causes: [{ message: result.runtimeError }] }), kind: undefined, apiVersion: undefined };
    } else if (result.exitCode) {
      statusBody = {
        metadata: {},
        status: "Failure",
        message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${result.exitCode}`,
        reason: "NonZeroExitCode",
        details: { causes: [{ reason: "ExitCode", message: String(result.exitCode) }] },
      };
    } else statusBody = { metadata: {}, status: "Success" };
    sendChannel(socket, 3, Buffer.from(JSON.stringify(statusBody)));
    socket.end(wsFrame(0x8, Buffer.from([0x03, 0xe8])));
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** `kubectl debug node/N` posts a protobuf Pod; the name and image are found in its bytes. */
  async function createPod(req: IncomingMessage, res: ServerResponse, ns: string) {
    const body = (await readBody(req)).toString("latin1");
    const nodes = objectsOf(resources.get("/nodes")!).map((n) => meta(n).name);
    const node = nodes.find((n) => body.includes(`node-debugger-${n}-`));
    const name = node ? new RegExp(`node-debugger-${node}-[a-z0-9]{5}`).exec(body)?.[0] : undefined;
    const image = Object.keys(execTable.images).find((i) => body.includes(i));
    if (!node || !name || !image) return send(res, 400, status(400, "BadRequest", "fake apiserver: only kubectl debug node/ pods can be created"));
    const pod: Json = {
      metadata: { name, namespace: ns, uid: createHash("md5").update(name).digest("hex"), resourceVersion: "50001", creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z") },
      spec: {
        containers: [{ name: "debugger", image, command: ["sleep"], args: ["900"], volumeMounts: [{ name: "host-root", mountPath: "/host" }] }],
        volumes: [{ name: "host-root", hostPath: { path: "/", type: "" } }],
        nodeName: node,
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        restartPolicy: "Never",
        tolerations: [{ operator: "Exists" }],
      },
      status: { phase: "Pending", qosClass: "BestEffort" },
    };
    objectsOf(podsResource).push(pod);
    debugPods.set(`${ns}/${name}`, { phase: options.holdDebugPods ? "Pending" : "Running" });
    send(res, 201, { kind: "Pod", apiVersion: "v1", ...pod });
  }

  function deletePod(res: ServerResponse, ns: string, name: string) {
    const pods = objectsOf(podsResource);
    const index = pods.findIndex((p) => meta(p).namespace === ns && meta(p).name === name);
    if (index < 0) return send(res, 404, status(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" }));
    const [pod] = pods.splice(index, 1);
    debugPods.delete(`${ns}/${name}`);
    deletedPods.push(name);
    send(res, 200, { kind: "Pod", apiVersion: "v1", ...pod });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/\/$/, "");
    const method = req.method ?? "GET";
    requests.push({ method, path, query: url.searchParams, accept: req.headers.accept ?? "" });

    if (path === "/version") return send(res, 200, version);
    if (discoveryDown.has(path)) return send(res, 503, status(503, "ServiceUnavailable", "the server is currently unable to handle the request"));
    const doc = discovery.get(path);
    if (doc) return send(res, 200, doc);

    // /api/v1/... or /apis/<group>/<version>/...
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))((?:\/[^/]+)*)$/.exec(path);
    if (!m) {
      unknown.push(`${method} ${req.url}`);
      return send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
    }
    const group = m[2] ?? "";
    const parts = (m[4] ?? "").split("/").filter(Boolean);
    let ns: string | undefined;
    if (parts[0] === "namespaces" && parts.length >= 3) {
      ns = parts[1];
      parts.splice(0, 2);
    }
    const [plural = "", name, sub] = parts;
    const r = resources.get(`${group}/${plural}`);
    if (!r) {
      unknown.push(`${method} ${req.url}`);
      return send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
    }
    if (forbid.has(plural)) return forbidden(res, r, name ? "get" : "list", ns);

    if (plural === "pods" && sub === "log" && ns && name) return handleLogs(res, ns, name, url.searchParams);
    if (plural === "pods" && method === "POST" && ns && !name) return createPod(req, res, ns);
    if (plural === "pods" && method === "DELETE" && ns && name) return deletePod(res, ns, name);
    if (method !== "GET" || sub) {
      unknown.push(`${method} ${req.url}`);
      return send(res, 405, status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
    }

    let items = objectsOf(r).filter((o) => !r.namespaced || ns === undefined || meta(o).namespace === ns);
    if (name) {
      const found = items.find((o) => meta(o).name === name);
      if (!found) return send(res, 404, status(404, "NotFound", `${r.plural}${r.group ? "." + r.group : ""} "${name}" not found`, { name, group: r.group, kind: r.plural }));
      const debug = ns ? debugPods.get(`${ns}/${name}`) : undefined;
      if (debug) (found.status as Json).phase = debug.phase;
      return send(res, 200, { kind: r.kind, apiVersion: apiVersionOf(r), ...found });
    }
    const selector = url.searchParams.get("labelSelector");
    if (selector) items = items.filter((o) => matchesSelector(meta(o).labels ?? {}, selector));
    const fieldSelector = url.searchParams.get("fieldSelector");
    if (fieldSelector) {
      // Equality on a dotted field path (metadata.name, involvedObject.kind, ...).
      for (const term of fieldSelector.split(",")) {
        const [field = "", value] = term.split("=");
        const get = (o: Json) => field.split(".").reduce<unknown>((v, k) => (v as Json | undefined)?.[k], o);
        items = items.filter((o) => String(get(o)) === value);
      }
    }
    if (plural === "secrets" && (req.headers.accept ?? "").includes("as=Table")) return send(res, 200, secretsTable(items));
    send(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata: { resourceVersion: "48211" }, items });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, status(500, "InternalError", String(err))));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Socket) => {
    handleExecUpgrade(req, socket, new URL(req.url ?? "/", "http://localhost"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unknown,
    deletedPods,
    createdPods: () => [...debugPods.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
