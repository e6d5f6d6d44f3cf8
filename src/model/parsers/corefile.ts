/**
 * CoreDNS meaning on top of the Caddyfile grammar (caddyfile.ts): server keys
 * become zones and ports, directives become plugins checked against what
 * CoreDNS compiles in, and the plugins a diagnosis needs (kubernetes, forward,
 * cache, health, loop…) are summarised.
 *
 * Scope notes: GKE's default kube-dns (dnsmasq + kube-dns, configured through
 * the kube-dns ConfigMap's stubDomains/upstreamNameservers) has no Corefile at
 * all; OpenShift's DNS operator writes a Corefile for openshift-dns/dns-default
 * on port 5353 (the dns-default Service maps 53 → 5353) and parses like any
 * other. `import` of files (AKS `custom/*.override`, k3s
 * `/etc/coredns/custom/*.server`) cannot be followed offline and is listed.
 */
import { parseCaddyfile, type Directive, type ImportLine, type SyntaxIssueCode } from "./caddyfile.js";

export type { Directive, ImportLine } from "./caddyfile.js";

export type Transport = "dns" | "tls" | "grpc" | "https" | "https3" | "quic";

export interface ServerKey {
  raw: string;
  transport: Transport;
  /** Lower-case FQDN with a trailing dot (`.` is the root); first reverse zone for a CIDR key. */
  zone: string;
  /** Explicit port or the transport default; NaN when invalid; absent when a placeholder hides it. */
  port?: number;
  cidr?: string;
  hasPlaceholder: boolean;
}

export interface ServerBlock {
  keys: ServerKey[];
  plugins: Directive[];
  line: number;
}

/** The Caddyfile syntax errors, plus what CoreDNS itself checks on top. */
export type CorefileIssueCode =
  | SyntaxIssueCode
  | "invalid-server-key"
  | "duplicate-server-key"
  | "unknown-plugin"
  | "removed-plugin"
  | "removed-option"
  | "deprecated"
  | "option-too-new"
  | "no-server-blocks";

export interface CorefileIssue {
  code: CorefileIssueCode;
  /** "error": CoreDNS refuses to start (or ignores the config); "warning": works today, breaks on upgrade. */
  severity: "error" | "warning";
  line: number;
  message: string;
  plugin?: string;
  option?: string;
  /** CoreDNS release that removed (or introduced) the plugin or option. */
  version?: string;
  replacement?: string;
}

export interface ForwardTarget {
  raw: string;
  /** A resolv.conf-format file (CoreDNS reads its nameservers), or an address. */
  kind: "resolv-conf" | "address";
  transport: "dns" | "tls";
  host?: string;
  port?: number;
  path?: string;
  /** 127.0.0.0/8 or ::1: inside the CoreDNS pod that is CoreDNS itself, or nothing. */
  loopback: boolean;
}

export interface ForwardSummary {
  /** `proxy` (removed in 1.5.0) has the same FROM TO… shape, so it is summarised alike. */
  plugin: "forward" | "proxy";
  from: string;
  to: ForwardTarget[];
  except: string[];
  options: Record<string, string[]>;
  maxConcurrent?: number;
  policy?: string;
  forceTcp: boolean;
  preferUdp: boolean;
  healthCheck?: string;
  expire?: string;
  maxFails?: number;
  line: number;
  blockIndex: number;
}

export interface KubernetesSummary {
  /** Zones it answers: its arguments, else the server block's zones. */
  zones: string[];
  options: Record<string, string[]>;
  /** disabled (default) | insecure | verified. */
  pods: string;
  /** Zones it falls through for; [] = every zone; absent = no fallthrough. */
  fallthrough?: string[];
  ttl?: number;
  line: number;
  blockIndex: number;
}

export interface CacheSummary {
  ttl?: number;
  zones: string[];
  options: Record<string, string[]>;
  line: number;
  blockIndex: number;
}

export interface HealthSummary {
  address?: string;
  lameduck?: string;
  lameduckSeconds?: number;
  line: number;
  blockIndex: number;
}

export interface HostsSummary {
  /** Hosts file read; CoreDNS defaults to /etc/hosts. */
  file: string;
  zones: string[];
  inlineEntries: number;
  fallthrough: boolean;
  line: number;
  blockIndex: number;
}

export interface PluginRef {
  args: string[];
  options: Record<string, string[]>;
  line: number;
  blockIndex: number;
}

export interface CorefileAnalysis {
  blocks: ServerBlock[];
  snippets: { name: string; line: number }[];
  imports: ImportLine[];
  envPlaceholders: { name: string; line: number }[];
  /** Sorted by line; the first error is the one CoreDNS reports at startup. */
  issues: CorefileIssue[];
  /** True when no issue is an error. */
  valid: boolean;
  /** The block that answers the root zone "." on the DNS port, where the stock plugins live. */
  mainBlockIndex?: number;
  kubernetesPlugin?: KubernetesSummary;
  kubernetesPlugins: KubernetesSummary[];
  forward: ForwardSummary[];
  /** The main block's plugins (first block when there is no root zone). */
  cache?: CacheSummary;
  health?: HealthSummary;
  ready?: PluginRef;
  loop?: PluginRef;
  reload?: PluginRef;
  errorsPlugin?: PluginRef;
  log?: PluginRef;
  prometheus?: PluginRef;
  hosts: HostsSummary[];
  rewrite: PluginRef[];
}

export interface CorefileOptions {
  /** CoreDNS version (image tag `v1.11.1`, `1.8.6-eksbuild.1`…); unknown means a current CoreDNS. */
  corednsVersion?: string;
  /** Plugins compiled into a custom build, accepted as known. */
  extraPlugins?: string[];
}

// Every directive of upstream CoreDNS (plugin.cfg / core/dnsserver/zdirectives.go,
// 1.0 … 1.12) plus vendor plugins of the distributions we diagnose.
const KNOWN_PLUGINS = new Set([
  "root", "metadata", "geoip", "cancel", "tls", "proxyproto", "quic", "grpc_server", "https", "https3",
  "timeouts", "multisocket", "reuseport", "reload", "nsid", "bufsize", "bind", "debug", "trace", "ready",
  "health", "pprof", "prometheus", "errors", "log", "dnstap", "local", "dns64", "acl", "any", "chaos",
  "loadbalance", "tsig", "cache", "rewrite", "header", "dnssec", "autopath", "minimal", "template",
  "transfer", "hosts", "route53", "azure", "clouddns", "k8s_external", "kubernetes", "file", "auto",
  "secondary", "etcd", "loop", "forward", "grpc", "erratic", "whoami", "on", "sign", "view", "nomad",
  "ocp_dnsnameresolver", // openshift/coredns, generated by the OpenShift DNS operator
]);

interface Removal {
  version: string;
  note: string;
  replacement?: string;
}

// coredns/corefile-migration (vendored by kubeadm) plugins.go: proxy removed
// at 1.5.0 ("removal", replaced by forward); federation removed at 1.7.0.
const REMOVED_PLUGINS: Record<string, Removal> = {
  proxy: { version: "1.5.0", replacement: "forward", note: "CoreDNS 1.5.0+ fails with \"Unknown directive 'proxy'\"" },
  federation: { version: "1.7.0", note: "CoreDNS 1.7.0+ no longer compiles it in" },
};

// kubernetes options removed by coredns/coredns#3737 (1.7.0) and moved to the
// transfer plugin in 1.8.0; CoreDNS then fails with "unknown property".
const REMOVED_OPTIONS: Record<string, Record<string, Removal>> = {
  kubernetes: {
    upstream: { version: "1.7.0", note: "CoreDNS 1.7.0+ fails with \"unknown property 'upstream'\"" },
    resyncperiod: { version: "1.7.0", note: "CoreDNS 1.7.0+ fails with \"unknown property 'resyncperiod'\"" },
    transfer: { version: "1.8.0", replacement: "the transfer plugin", note: "CoreDNS 1.8.0+ fails with \"unknown property 'transfer'\"" },
  },
};

// Options older CoreDNS rejects: coredns/coredns#4362, max_concurrent needs 1.6.9.
const ADDED_OPTIONS: Record<string, Record<string, string>> = {
  forward: { max_concurrent: "1.6.9" },
};

const DEFAULT_PORTS: Record<Transport, number> = { dns: 53, tls: 853, quic: 853, grpc: 443, https: 443, https3: 443 };
const TRANSPORTS: Transport[] = ["dns", "tls", "grpc", "https3", "https", "quic"];
const PLACEHOLDER = /\{\$[^}\s]*\}|\{%[^%\s]*%\}/;

/** Parse a server key: `.:53`, `dns://cluster.local:53`, `tls://.:853`, `in-addr.arpa`, `10.0.0.0/24`. */
export function parseServerKey(raw: string): ServerKey {
  let rest = raw;
  let transport: Transport = "dns";
  const scheme = /^([a-z0-9]+):\/\//i.exec(raw);
  const known = scheme ? TRANSPORTS.find((t) => t === scheme[1]!.toLowerCase()) : undefined;
  if (scheme && known) {
    transport = known;
    rest = raw.slice(scheme[0].length);
  }
  const hasPlaceholder = PLACEHOLDER.test(raw);
  let host = rest;
  let port: number | undefined = DEFAULT_PORTS[transport];
  const m = /^(.*?):([^:\]]*)$/.exec(rest);
  if (m && !rest.startsWith("[") && !m[1]!.includes(":")) {
    host = m[1]!;
    const p = m[2]!;
    port = PLACEHOLDER.test(p) ? undefined : /^\d{1,5}$/.test(p) && Number(p) <= 65535 ? Number(p) : Number.NaN;
  }
  const key: ServerKey = { raw, transport, zone: normalizeZone(host), hasPlaceholder };
  if (port !== undefined) key.port = port;
  if (host.includes("/")) {
    key.cidr = host;
    const reverse = reverseZonesForCidr(host);
    if (reverse.length > 0) key.zone = reverse[0]!;
  }
  if (scheme && !known) key.port = Number.NaN; // unknown transport: CoreDNS rejects the key
  return key;
}

/** Lower-case FQDN with one trailing dot; "" and "." are the root. */
export function normalizeZone(zone: string): string {
  const z = zone.trim().toLowerCase().replace(/\.+$/, "");
  return z === "" ? "." : `${z}.`;
}

/**
 * Reverse zones CoreDNS derives from an IPv4 CIDR (10.0.0.0/24 →
 * 0.0.10.in-addr.arpa.). A prefix off an octet boundary expands into the
 * zones of the next boundary (a /23 is two /24 zones); past /24 the
 * covering /24 zone is used. Other input gives [].
 */
export function reverseZonesForCidr(cidr: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return [];
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 1 || prefix > 32) return [];
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const zoneBits = Math.min(24, Math.ceil(prefix / 8) * 8);
  const zoneSize = 2 ** (32 - zoneBits);
  const networkSize = 2 ** (32 - Math.min(prefix, zoneBits));
  const network = Math.floor(address / networkSize) * networkSize;
  const zones: string[] = [];
  for (let addr = network; addr < network + networkSize; addr += zoneSize) {
    const labels = [24, 16, 8].slice(0, zoneBits / 8).map((shift) => Math.floor(addr / 2 ** shift) % 256);
    zones.push(`${labels.reverse().join(".")}.in-addr.arpa.`);
  }
  return zones;
}

/** Zones named by plugin arguments (kubernetes, cache, hosts…), CIDRs expanded. */
function argZones(args: string[]): string[] {
  return args.flatMap((a) => (a.includes("/") && reverseZonesForCidr(a).length > 0 ? reverseZonesForCidr(a) : [normalizeZone(a)]));
}

function parseVersion(v: string | undefined): number[] | undefined {
  const m = v ? /(\d+)\.(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function olderThan(v: number[], than: string): boolean {
  const t = parseVersion(than)!;
  for (let i = 0; i < 3; i++) if (v[i] !== t[i]) return v[i]! < t[i]!;
  return false;
}

function issue(code: CorefileIssueCode, line: number, message: string, extra: Partial<CorefileIssue> = {}): CorefileIssue {
  return { code, severity: code === "deprecated" ? "warning" : "error", line, message, ...extra };
}

function removalIssue(removal: Removal, line: number, subject: string, version: number[] | undefined, extra: Partial<CorefileIssue>): CorefileIssue {
  const fields = removal.replacement ? { ...extra, version: removal.version, replacement: removal.replacement } : { ...extra, version: removal.version };
  const removedHere = !version || !olderThan(version, removal.version);
  return removedHere
    ? issue(extra.option ? "removed-option" : "removed-plugin", line, `${subject} was removed in CoreDNS ${removal.version}: ${removal.note}`, fields)
    : issue("deprecated", line, `${subject} is removed in CoreDNS ${removal.version}; drop it before upgrading`, fields);
}

function pluginIssues(blocks: ServerBlock[], options: CorefileOptions): CorefileIssue[] {
  const version = parseVersion(options.corednsVersion);
  const extra = new Set(options.extraPlugins ?? []);
  const out: CorefileIssue[] = [];
  for (const p of blocks.flatMap((b) => b.plugins)) {
    const removal = REMOVED_PLUGINS[p.name];
    if (removal) out.push(removalIssue(removal, p.line, `plugin '${p.name}'`, version, { plugin: p.name }));
    else if (!KNOWN_PLUGINS.has(p.name) && !extra.has(p.name)) {
      out.push(issue("unknown-plugin", p.line, `Unknown directive '${p.name}': CoreDNS has no such plugin`, { plugin: p.name }));
    }
    for (const o of p.block ?? []) {
      const gone = REMOVED_OPTIONS[p.name]?.[o.name];
      if (gone) out.push(removalIssue(gone, o.line, `'${o.name}' in plugin '${p.name}'`, version, { plugin: p.name, option: o.name }));
      const since = ADDED_OPTIONS[p.name]?.[o.name];
      if (since && version && olderThan(version, since)) {
        out.push(issue("option-too-new", o.line, `'${o.name}' in plugin '${p.name}' needs CoreDNS ${since}+: older CoreDNS fails with "unknown property '${o.name}'"`, { plugin: p.name, option: o.name, version: since }));
      }
    }
  }
  return out;
}

function keyIssues(blocks: ServerBlock[]): CorefileIssue[] {
  const out: CorefileIssue[] = [];
  const seen = new Map<string, number>();
  blocks.forEach((b, index) => {
    for (const k of b.keys) {
      if (Number.isNaN(k.port)) {
        out.push(issue("invalid-server-key", b.line, `server key '${k.raw}' has an invalid port or transport`));
        continue;
      }
      if (k.hasPlaceholder || k.port === undefined) continue;
      const id = `${k.transport}://${k.zone}:${k.port}`;
      const first = seen.get(id);
      if (first === undefined) seen.set(id, index);
      else if (first !== index) out.push(issue("duplicate-server-key", b.line, `cannot serve ${id}: it is already defined by the block at line ${blocks[first]!.line}`));
    }
  });
  return out;
}

/** Option lines of a plugin block as name → arguments (the last line of a name wins). */
function optionMap(d: Directive): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const o of d.block ?? []) map[o.name] = o.args;
  return map;
}

function toInt(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Seconds in a Go duration such as "5s", "1m30s", "500ms". */
export function goDurationSeconds(d: string | undefined): number | undefined {
  if (!d || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(d)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

function forwardTarget(raw: string): ForwardTarget {
  let rest = raw;
  let transport: "dns" | "tls" = "dns";
  const scheme = /^(dns|tls):\/\//i.exec(raw);
  if (scheme) {
    transport = scheme[1]!.toLowerCase() as "dns" | "tls";
    rest = raw.slice(scheme[0].length);
  }
  if (rest.includes("/")) return { raw, kind: "resolv-conf", transport, path: rest, loopback: false };
  let host = rest;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  const hostPort = /^([^:]+):(\d+)$/.exec(rest);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (hostPort) {
    host = hostPort[1]!;
    port = Number(hostPort[2]);
  }
  const target: ForwardTarget = { raw, kind: "address", transport, host, port: port ?? (transport === "tls" ? 853 : 53), loopback: isLoopback(host) };
  return target;
}

export function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "::1" || host.toLowerCase() === "localhost";
}

function summarizeForward(d: Directive, blockIndex: number): ForwardSummary {
  const options = optionMap(d);
  const [from = ".", ...to] = d.args;
  const s: ForwardSummary = {
    plugin: d.name === "proxy" ? "proxy" : "forward",
    from: normalizeZone(from),
    to: to.map(forwardTarget),
    except: (options.except ?? []).map(normalizeZone),
    options,
    forceTcp: "force_tcp" in options,
    preferUdp: "prefer_udp" in options,
    line: d.line,
    blockIndex,
  };
  const maxConcurrent = toInt(options.max_concurrent?.[0]);
  if (maxConcurrent !== undefined) s.maxConcurrent = maxConcurrent;
  const maxFails = toInt(options.max_fails?.[0]);
  if (maxFails !== undefined) s.maxFails = maxFails;
  if (options.policy?.[0]) s.policy = options.policy[0];
  if (options.health_check?.[0]) s.healthCheck = options.health_check[0];
  if (options.expire?.[0]) s.expire = options.expire[0];
  return s;
}

function summarizeKubernetes(d: Directive, block: ServerBlock, blockIndex: number): KubernetesSummary {
  const options = optionMap(d);
  const s: KubernetesSummary = {
    zones: d.args.length > 0 ? argZones(d.args) : block.keys.map((k) => k.zone),
    options,
    pods: options.pods?.[0] ?? "disabled",
    line: d.line,
    blockIndex,
  };
  if (options.fallthrough) s.fallthrough = argZones(options.fallthrough);
  const ttl = toInt(options.ttl?.[0]);
  if (ttl !== undefined) s.ttl = ttl;
  return s;
}

function summarizeCache(d: Directive, blockIndex: number): CacheSummary {
  const [first, ...rest] = d.args;
  const ttl = toInt(first);
  const s: CacheSummary = { zones: argZones(ttl === undefined ? d.args : rest), options: optionMap(d), line: d.line, blockIndex };
  if (ttl !== undefined) s.ttl = ttl;
  return s;
}

function summarizeHealth(d: Directive, blockIndex: number): HealthSummary {
  const s: HealthSummary = { line: d.line, blockIndex };
  if (d.args[0]) s.address = d.args[0];
  const lameduck = optionMap(d).lameduck?.[0];
  if (lameduck) {
    s.lameduck = lameduck;
    const seconds = goDurationSeconds(lameduck);
    if (seconds !== undefined) s.lameduckSeconds = seconds;
  }
  return s;
}

const IP_LIKE = /^[0-9a-f:.]+$/i;

function summarizeHosts(d: Directive, blockIndex: number): HostsSummary {
  const [file = "/etc/hosts", ...zones] = d.args;
  const lines = d.block ?? [];
  return {
    file,
    zones: argZones(zones),
    inlineEntries: lines.filter((o) => IP_LIKE.test(o.name) && /[.:]/.test(o.name)).length,
    fallthrough: lines.some((o) => o.name === "fallthrough"),
    line: d.line,
    blockIndex,
  };
}

function ref(d: Directive, blockIndex: number): PluginRef {
  return { args: d.args, options: optionMap(d), line: d.line, blockIndex };
}

function findMainBlock(blocks: ServerBlock[]): number | undefined {
  const root = blocks.findIndex((b) => b.keys.some((k) => k.zone === "." && k.transport === "dns"));
  if (root >= 0) return root;
  return blocks.length > 0 ? 0 : undefined;
}

/** Parse a Corefile and summarise what a diagnosis needs. Never throws. */
export function analyzeCorefile(text: string, options: CorefileOptions = {}): CorefileAnalysis {
  const parsed = parseCaddyfile(text);
  const blocks: ServerBlock[] = parsed.blocks.map((b) => ({ keys: b.keys.map((k) => parseServerKey(k.text)), plugins: b.directives, line: b.line }));
  const issues: CorefileIssue[] = [
    ...parsed.issues.map((i) => issue(i.code, i.line, i.message)),
    ...keyIssues(blocks),
    ...pluginIssues(blocks, options),
  ];
  if (blocks.length === 0 && parsed.imports.length === 0) issues.push(issue("no-server-blocks", 1, "the Corefile defines no server block"));
  issues.sort((a, b) => a.line - b.line);

  const mainBlockIndex = findMainBlock(blocks);
  const all = blocks.flatMap((b, blockIndex) => b.plugins.map((d) => ({ d, b, blockIndex })));
  const inMain = (name: string) => (mainBlockIndex === undefined ? undefined : blocks[mainBlockIndex]!.plugins.find((d) => d.name === name));
  const kubernetesPlugins = all.filter((x) => x.d.name === "kubernetes").map((x) => summarizeKubernetes(x.d, x.b, x.blockIndex));

  const analysis: CorefileAnalysis = {
    blocks,
    snippets: parsed.snippets,
    imports: parsed.imports,
    envPlaceholders: parsed.envPlaceholders,
    issues,
    valid: !issues.some((i) => i.severity === "error"),
    kubernetesPlugins,
    forward: all.filter((x) => x.d.name === "forward" || x.d.name === "proxy").map((x) => summarizeForward(x.d, x.blockIndex)),
    hosts: all.filter((x) => x.d.name === "hosts").map((x) => summarizeHosts(x.d, x.blockIndex)),
    rewrite: all.filter((x) => x.d.name === "rewrite").map((x) => ref(x.d, x.blockIndex)),
  };
  if (mainBlockIndex === undefined) return analysis;
  analysis.mainBlockIndex = mainBlockIndex;
  const mainK8s = kubernetesPlugins.find((k) => k.blockIndex === mainBlockIndex) ?? kubernetesPlugins[0];
  if (mainK8s) analysis.kubernetesPlugin = mainK8s;
  const cache = inMain("cache");
  if (cache) analysis.cache = summarizeCache(cache, mainBlockIndex);
  const health = inMain("health");
  if (health) analysis.health = summarizeHealth(health, mainBlockIndex);
  const refs: [keyof CorefileAnalysis, string][] = [["ready", "ready"], ["loop", "loop"], ["reload", "reload"], ["errorsPlugin", "errors"], ["log", "log"], ["prometheus", "prometheus"]];
  for (const [field, name] of refs) {
    const d = inMain(name);
    if (d) (analysis as unknown as Record<string, PluginRef>)[field] = ref(d, mainBlockIndex);
  }
  return analysis;
}

function zoneContains(zone: string, name: string): boolean {
  return zone === "." || name === zone || name.endsWith(`.${zone}`);
}

/**
 * The server block CoreDNS picks for a query name: the longest key zone that
 * contains it (on `port` when given, DNS transport). Undefined: REFUSED.
 */
export function blockServing(analysis: Pick<CorefileAnalysis, "blocks">, name: string, port?: number): { blockIndex: number; zone: string } | undefined {
  const fqdn = normalizeZone(name);
  let best: { blockIndex: number; zone: string } | undefined;
  analysis.blocks.forEach((b, blockIndex) => {
    for (const k of b.keys) {
      if (k.transport !== "dns" || (port !== undefined && k.port !== port) || !zoneContains(k.zone, fqdn)) continue;
      if (!best || k.zone.length > best.zone.length) best = { blockIndex, zone: k.zone };
    }
  });
  return best;
}

/** Whether some server block answers queries for `zone` (on `port` when given). */
export function servesZone(analysis: Pick<CorefileAnalysis, "blocks">, zone: string, port?: number): boolean {
  return blockServing(analysis, zone, port) !== undefined;
}

export type ClusterDomainVerdict =
  | { resolves: true; blockIndex: number; kubernetesZone: string }
  | { resolves: false; reason: "no-server-block" | "no-kubernetes-plugin" | "kubernetes-zone-mismatch"; blockIndex?: number; kubernetesZones?: string[] };

/**
 * Whether names under the cluster domain reach a kubernetes plugin: the block
 * serving `<clusterDomain>` must run `kubernetes` with a zone containing it.
 */
export function resolvesClusterDomain(analysis: CorefileAnalysis, clusterDomain: string, port?: number): ClusterDomainVerdict {
  const probe = `svc.${normalizeZone(clusterDomain)}`;
  const serving = blockServing(analysis, probe, port);
  if (!serving) return { resolves: false, reason: "no-server-block" };
  const k8s = analysis.kubernetesPlugins.find((k) => k.blockIndex === serving.blockIndex);
  if (!k8s) return { resolves: false, reason: "no-kubernetes-plugin", blockIndex: serving.blockIndex };
  const zone = k8s.zones.filter((z) => zoneContains(z, probe)).sort((a, b) => b.length - a.length)[0];
  return zone
    ? { resolves: true, blockIndex: serving.blockIndex, kubernetesZone: zone }
    : { resolves: false, reason: "kubernetes-zone-mismatch", blockIndex: serving.blockIndex, kubernetesZones: k8s.zones };
}
