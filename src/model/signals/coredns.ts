/**
 * Log signals of CoreDNS, and of DNS clients (application pods), as data for
 * the scanner in scan.ts. Patterns follow the exact shapes CoreDNS prints
 * (1.2 to 1.11: `[ERROR] 2 name. A: …` became `[ERROR] plugin/errors: 2 …`,
 * klog `E1207 …` reflector lines became `[ERROR] plugin/kubernetes: …`), see
 * the tests for the real lines each one was written against.
 *
 * A line may raise several signals: `coredns.query-error` counts every error
 * the errors plugin logs, the other signals say which kind it was. Patterns
 * carry no `g` flag (the scanner calls exec() repeatedly).
 *
 * Also here: summarizeQueryLog() for the `log` plugin's query lines, which
 * counts answers per rcode and zone and measures ndots search expansion.
 */
import type { SignalDefinition } from "./scan.js";

// The errors plugin line: `[ERROR] plugin/errors: <rcode> <qname> <qtype>: <error>`;
// before CoreDNS 1.3 the `plugin/errors: ` part was absent and forward errors
// began with `unreachable backend: `. Quantifiers are bounded (names ≤ 255,
// addresses ≤ 64) so a hostile long line cannot make a pattern backtrack badly.
const errorsLine = (qtype: string, error: string) =>
  new RegExp(String.raw`\[ERROR\] (?:plugin\/errors: )?\d+ (?<name>\S{1,255}) ${qtype}: (?:unreachable backend: )?${error}`);
const QTYPE = "(?<qtype>[A-Z0-9]{1,10})";
const READ_TIMEOUT = String.raw`read (?:udp|tcp) (?<client>\S{1,64})->(?<upstream>\S{1,64}): i\/o timeout`;

export const COREDNS_SIGNALS: readonly SignalDefinition[] = [
  {
    id: "coredns.loop-detected",
    description: "The loop plugin saw its own probe come back: CoreDNS forwards to itself (e.g. a node stub resolver 127.0.0.53) and exits",
    contains: "plugin/loop",
    pattern: /plugin\/loop: (?:Loop \((?<from>[^ )]+) -> (?<to>[^ )]+)\) detected for zone "(?<zone>[^"]*)"|Seen "HINFO IN [^"]*" more than twice, loop detected)/,
    severity: "error",
  },
  {
    id: "coredns.upstream-timeout",
    description: "A forwarded query got no answer from the upstream resolver in time",
    contains: "i/o timeout",
    pattern: errorsLine("(?<qtype>(?!HINFO:)[A-Z0-9]{1,10})", READ_TIMEOUT),
    severity: "error",
  },
  {
    id: "coredns.loop-probe-timeout",
    description: "The loop plugin's startup HINFO probe to the upstream timed out: the upstream is unreachable from the pod or ignores HINFO",
    contains: "HINFO",
    pattern: errorsLine("HINFO", READ_TIMEOUT),
    severity: "warning",
  },
  {
    id: "coredns.upstream-unreachable",
    description: "CoreDNS cannot reach the upstream resolver at all (refused, no route, network unreachable)",
    contains: "connect",
    pattern: errorsLine(QTYPE, String.raw`(?:read (?:udp|tcp) \S{1,64}->|dial (?:udp|tcp) )(?<upstream>\S{1,64}?): (?:read|connect): (?<reason>connection refused|no route to host|network is unreachable)`),
    severity: "error",
  },
  {
    id: "coredns.no-upstream",
    description: "No upstream left to forward to (every upstream marked down)",
    contains: "no upstream host",
    pattern: errorsLine(QTYPE, "no upstream host"),
    severity: "error",
  },
  {
    id: "coredns.query-error",
    description: "The errors plugin logged a failed query (rcode 2 = SERVFAIL returned to the client)",
    contains: "[ERROR]",
    pattern: new RegExp(String.raw`\[ERROR\] (?:plugin\/errors: )?(?<rcode>\d{1,5}) (?<name>\S{1,255}) (?<qtype>[A-Z0-9]{1,10}): (?<error>.+)$`),
    severity: "error",
  },
  {
    id: "coredns.query-servfail",
    description: "The log plugin recorded a SERVFAIL answer",
    contains: "SERVFAIL",
    pattern: /(?<client>[^\s"]{1,64}) - (?:\[[^\]]{1,64}\] )?\d+ "(?<qtype>[A-Z0-9]{1,10}) [A-Z0-9]{1,10} (?<name>\S{1,255}) (?:udp|tcp) \d+ (?:true|false) \d+" SERVFAIL /,
    severity: "warning",
  },
  {
    id: "coredns.query-nxdomain",
    description: "The log plugin recorded an NXDOMAIN answer (many of them: see summarizeQueryLog for search-expansion storms)",
    contains: "NXDOMAIN",
    pattern: /(?<client>[^\s"]{1,64}) - (?:\[[^\]]{1,64}\] )?\d+ "(?<qtype>[A-Z0-9]{1,10}) [A-Z0-9]{1,10} (?<name>\S{1,255}) (?:udp|tcp) \d+ (?:true|false) \d+" NXDOMAIN /,
    severity: "info",
  },
  {
    id: "coredns.k8s-api-unreachable",
    description: "The kubernetes plugin cannot list/watch the API server (ClusterIP not routed, kube-proxy or CNI broken): cluster names stop resolving",
    contains: "dial tcp",
    pattern: /[Ff]ailed to (?:watch|list) \*(?<resource>[\w.]+):.*?dial tcp (?<apiserver>\S{1,64}?): (?<reason>i\/o timeout|connect: connection refused|connect: no route to host|connect: network is unreachable)/,
    severity: "error",
  },
  {
    id: "coredns.k8s-api-forbidden",
    description: "The CoreDNS service account may not list/watch what the kubernetes plugin needs (e.g. EndpointSlices since CoreDNS 1.8.1)",
    contains: "ailed to",
    pattern: /[Ff]ailed to (?:watch|list) \*(?<resource>[\w.]+): (?:failed to list \*[\w.]+: )?(?:(?<target>[\w.]+) is forbidden: User "(?<user>[^"]+)"|unknown \(get (?<target2>[\w.]+)\))/,
    severity: "error",
  },
  {
    id: "coredns.k8s-api-not-synced",
    description: "The kubernetes plugin has not synced with the API server yet (ready reports it, or CoreDNS starts unsynced)",
    contains: "ubernetes",
    pattern: /plugin\/ready: Still waiting on: "(?<plugin>[^"]+)"|plugin\/kubernetes: (?:waiting for Kubernetes API before starting server|starting server with unsynced Kubernetes API)/,
    severity: "warning",
  },
  {
    id: "coredns.corefile-parse-error",
    description: "CoreDNS rejected its Corefile (at startup it exits: CrashLoopBackOff)",
    contains: "Error during parsing",
    pattern: /(?:(?<plugin>plugin\/[\w-]+): )?(?<file>[^\s:]{1,1024}):(?<line>\d{1,7}) - Error during parsing: (?<reason>.+)$/,
    severity: "error",
  },
  {
    id: "coredns.unknown-directive",
    description: "The Corefile names a plugin this CoreDNS does not have (removed like proxy, external, or a typo)",
    contains: "Unknown directive",
    pattern: /Unknown directive '?(?<directive>[^'\s]+)'?/,
    severity: "error",
  },
  {
    id: "coredns.reload-failed",
    description: "A changed Corefile failed to load: the old configuration keeps running until the next restart, which will fail",
    contains: "reload failed",
    pattern: /Corefile changed but reload failed: (?<reason>.+)$/,
    severity: "error",
  },
  {
    id: "coredns.import-glob-empty",
    description: "An `import` glob matched no file (normal on k3s/AKS without a coredns-custom ConfigMap)",
    contains: "No files matching import glob pattern",
    pattern: /No files matching import glob pattern: (?<pattern>\S+)/,
    severity: "info",
  },
  {
    id: "coredns.version",
    description: "CoreDNS version printed at startup",
    contains: "CoreDNS-",
    pattern: /(?:^|\s)CoreDNS-(?<version>\d+\.\d+\.\d+)\s*$/,
    severity: "info",
  },
];

/**
 * DNS failures as seen by clients (application pods, ingress controllers):
 * Go's resolver errors (`lookup X on 10.96.0.10:53: …`, which also name the
 * nameserver the pod used), and the messages of glibc/musl getaddrinfo as
 * Java, Node.js, curl, Python and nginx print them. They point at the DNS
 * layer from the other side: the name does not exist, or the DNS Service is
 * unreachable. dnsClientFailureKind() says which.
 */
export const DNS_CLIENT_SIGNALS: readonly SignalDefinition[] = [
  {
    id: "dns-client.no-such-host",
    description: "A Go client was told the name does not exist (typo, wrong namespace, zone not served)",
    contains: "no such host",
    pattern: /lookup (?<host>\S{1,255}?) on (?<server>\S{1,64}?): no such host/,
    severity: "warning",
  },
  {
    id: "dns-client.timeout",
    description: "A Go client's DNS query to the cluster DNS got no answer (CoreDNS down, egress to port 53 blocked, kube-proxy broken)",
    contains: "i/o timeout",
    pattern: /lookup (?<host>\S{1,255}?) on (?<server>\S{1,64}?): read (?:udp|tcp) \S{1,64}->\S{1,64}: i\/o timeout/,
    severity: "error",
  },
  {
    id: "dns-client.refused",
    description: "A Go client's DNS query was refused (nothing listens on the DNS address, or a policy REJECTs it)",
    contains: "connection refused",
    pattern: /lookup (?<host>\S{1,255}?) on (?<server>\S{1,64}?): read (?:udp|tcp) \S{1,64}->\S{1,64}: read: connection refused/,
    severity: "error",
  },
  {
    id: "dns-client.server-misbehaving",
    description: "A Go client got SERVFAIL (or another unexpected rcode): the DNS server could not resolve the name, e.g. its upstream failed",
    contains: "server misbehaving",
    pattern: /lookup (?<host>\S{1,255}?) on (?<server>\S{1,64}?): server misbehaving/,
    severity: "error",
  },
  {
    id: "dns-client.temporary-failure",
    description: "getaddrinfo EAI_AGAIN as glibc words it (Python, Ruby, PHP, Java): no answer or SERVFAIL from the nameserver",
    contains: "Temporary failure in name resolution",
    pattern: /(?:(?<=^|\s)(?!getaddrinfo:)(?<host>[^\s:'"()]{1,255}): )?Temporary failure in name resolution/,
    severity: "error",
  },
  {
    id: "dns-client.eai-again",
    description: "Node.js getaddrinfo EAI_AGAIN: the nameserver did not answer in time or failed",
    contains: "EAI_AGAIN",
    pattern: /getaddrinfo EAI_AGAIN (?<host>[^\s:'"]{1,255})/,
    severity: "error",
  },
  {
    id: "dns-client.enotfound",
    description: "Node.js getaddrinfo ENOTFOUND: the name does not exist",
    contains: "ENOTFOUND",
    pattern: /getaddrinfo ENOTFOUND (?<host>[^\s:'"]{1,255})/,
    severity: "warning",
  },
  {
    id: "dns-client.unknown-host",
    description: "Java UnknownHostException: the name did not resolve (the JDK also throws it on timeouts, then adding glibc's reason)",
    contains: "UnknownHostException",
    pattern: /UnknownHostException: (?<host>[^\s:;]{1,255})/,
    severity: "warning",
  },
  {
    id: "dns-client.curl-unresolved",
    description: "curl (and libcurl clients) could not resolve the host",
    contains: "Could not resolve host",
    pattern: /Could not resolve host: (?<host>[^\s;]{1,255})/,
    severity: "warning",
  },
  {
    id: "dns-client.name-not-known",
    description: "glibc getaddrinfo EAI_NONAME (`Name or service not known`) or musl's `Name does not resolve`: the name does not exist",
    contains: "ame ",
    pattern: /(?:(?<=^|\s)(?!getaddrinfo:)(?<host>[^\s:'"()]{1,255}): )?(?:Name or service not known|Name does not resolve)/,
    severity: "warning",
  },
  {
    id: "dns-client.c-ares",
    description: "c-ares getaddrinfo as Fluent Bit logs it: err=4 domain not found, 11/12 DNS servers unreachable or timing out",
    contains: "getaddrinfo(host=",
    pattern: /getaddrinfo\(host='(?<host>[^']{1,255})', err=(?<code>\d{1,2})\): (?<reason>[^\n]{1,80})/,
    severity: "error",
  },
  {
    id: "dns-client.nginx-unresolved",
    description: "nginx (ingress-nginx, an nginx proxy) could not resolve an upstream: 110 timed out, 2 server failure, 3 host not found",
    contains: "could not be resolved",
    pattern: /(?<host>[^\s,]{1,255}) could not be resolved \((?<code>\d{1,3}): (?<reason>[^)]{1,64})\)/,
    severity: "error",
  },
];

export type DnsClientFailureKind = "unreachable" | "failed" | "not-found";

const FAILURE_KIND: Readonly<Record<string, DnsClientFailureKind>> = {
  "dns-client.no-such-host": "not-found",
  "dns-client.timeout": "unreachable",
  "dns-client.refused": "unreachable",
  "dns-client.server-misbehaving": "failed",
  "dns-client.temporary-failure": "failed",
  "dns-client.eai-again": "failed",
  "dns-client.enotfound": "not-found",
  "dns-client.unknown-host": "not-found",
  "dns-client.curl-unresolved": "not-found",
  "dns-client.name-not-known": "not-found",
};

// nginx resolver codes (ngx_resolver_strerror): 1 format error, 2 server failure, 3 host not found, 110 timed out.
const NGINX_CODES: Readonly<Record<string, DnsClientFailureKind>> = { "3": "not-found", "110": "unreachable" };
// c-ares status codes: 4 ARES_ENOTFOUND, 11 ARES_ECONNREFUSED, 12 ARES_ETIMEOUT.
const C_ARES_CODES: Readonly<Record<string, DnsClientFailureKind>> = { "4": "not-found", "11": "unreachable", "12": "unreachable" };

/**
 * What a DNS client signal says about DNS: the server was unreachable (no
 * answer, refused), it failed (SERVFAIL, EAI_AGAIN), or the name does not exist.
 */
export function dnsClientFailureKind(signalId: string, groups: Record<string, string | undefined> = {}): DnsClientFailureKind {
  if (signalId === "dns-client.nginx-unresolved") return NGINX_CODES[groups.code ?? ""] ?? "failed";
  if (signalId === "dns-client.c-ares") return C_ARES_CODES[groups.code ?? ""] ?? "failed";
  return FAILURE_KIND[signalId] ?? "failed";
}

/** One query line of the `log` plugin. */
export interface QueryLogEntry {
  client: string;
  qtype: string;
  /** Query name as logged (FQDN, lower-cased). */
  name: string;
  proto: string;
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED…, or "-" when no answer was written. */
  rcode: string;
  durationSeconds: number;
}

// Since CoreDNS 1.3: `[INFO] 10.244.1.3:33509 - 51831 "A IN name. udp 80 false 512" NXDOMAIN qr,aa,rd 173 0.0002208s`;
// 1.2 printed a time in brackets after the dash: `10.244.1.155:40796 - [12/Nov/2018:08:39:03 +0000] 19104 "A IN …`.
const QUERY_LINE = /(?<client>[^\s"]{1,64}) - (?:\[[^\]]{1,64}\] )?\d+ "(?<qtype>[A-Z0-9]{1,10}) [A-Z0-9]{1,10} (?<name>\S{1,255}) (?<proto>udp|tcp) \d+ (?:true|false) \d+" (?<rcode>[A-Z]{1,12}|-) \S{1,64} \d+ (?<duration>\d+(?:\.\d+)?)s/;

const MAX_QUERY_LINE = 4096;

export function parseQueryLogLine(line: string): QueryLogEntry | undefined {
  // Query lines are a few hundred bytes; longer input is not one (and is not worth a regex pass).
  if (typeof line !== "string" || line.length > MAX_QUERY_LINE || !line.includes('" ')) return undefined;
  const g = QUERY_LINE.exec(line)?.groups;
  if (!g) return undefined;
  return {
    client: g.client!,
    qtype: g.qtype!,
    name: g.name!.toLowerCase(),
    proto: g.proto!,
    rcode: g.rcode!,
    durationSeconds: Number(g.duration),
  };
}

export interface ZoneCount {
  /** The cluster domain, in-addr.arpa./ip6.arpa., or the last two labels of the name. */
  suffix: string;
  total: number;
  NOERROR: number;
  NXDOMAIN: number;
  SERVFAIL: number;
  other: number;
}

export interface ExpandedName {
  /** The name the client asked for as written, e.g. `api.stripe.com.`. */
  base: string;
  /** Outside the cluster domain and never answered through a search domain: ndots cost on an external name. */
  external: boolean;
  /** NXDOMAIN answers to `<base>.<search domain>`. */
  expansions: number;
  searchDomains: string[];
  /** Answer to the base name itself (the last one seen). */
  finalRcode: string;
}

export interface QueryLogSummary {
  queries: number;
  byRcode: Record<string, number>;
  /** Busiest first, at most MAX_ZONES. */
  byZone: ZoneCount[];
  searchExpansion: {
    /** NXDOMAIN queries that were a search-list expansion of a name the same client also asked for as written. */
    expansionQueries: number;
    /** Of those, expansions of external names: what ndots:5 costs. */
    externalExpansionQueries: number;
    /** Most expanded first, at most MAX_NAMES. */
    names: ExpandedName[];
  };
}

export interface QueryLogOptions {
  clusterDomain?: string;
}

const MAX_ZONES = 50;
const MAX_NAMES = 50;
// A lookup's search-list queries come back to back (at most 6 search domains,
// glibc MAXDNSRCH, for A and AAAA): a window of 64 queries per client holds them.
const WINDOW = 64;
const MAX_CLIENTS = 10_000;

function fqdn(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.+$/, "");
  return n === "" ? "." : `${n}.`;
}

function under(name: string, zone: string): boolean {
  return zone === "." || name === zone || name.endsWith(`.${zone}`);
}

function zoneOf(name: string, clusterDomain: string): string {
  for (const z of [clusterDomain, "in-addr.arpa.", "ip6.arpa."]) if (under(name, z)) return z;
  const labels = name.split(".").filter((l) => l !== "");
  return labels.length === 0 ? "." : `${labels.slice(-2).join(".")}.`;
}

/** The names a name extends, longest first: `a.b.c.` → `a.b.`, `a.` (names are FQDNs, so each ends a label). */
function properPrefixes(name: string): string[] {
  const out: string[] = [];
  for (let i = name.length - 2; i >= 0; i--) if (name.charCodeAt(i) === 46) out.push(name.slice(0, i + 1));
  return out;
}

/**
 * One client's recent queries, indexed so that each new query costs a few
 * map lookups (one per label of its name) instead of a scan of the window.
 */
class ClientWindow {
  private readonly recent: string[] = [];
  /** Name → how often it is in the window, and the last answer to it. */
  private readonly recentNames = new Map<string, { count: number; rcode: string }>();
  /** NXDOMAIN names not yet tied to a base name, oldest first (A and AAAA both count), with their prefixes. */
  private pending: { name: string; prefixes: string[] }[] = [];
  /** Proper prefix → the pending names extending it. */
  private readonly pendingByPrefix = new Map<string, string[]>();

  /** The longest earlier name this one extends, with its last answer. */
  earlierBase(name: string): { name: string; rcode: string } | undefined {
    for (const p of properPrefixes(name)) {
      const seen = this.recentNames.get(p);
      if (seen) return { name: p, rcode: seen.rcode };
    }
    return undefined;
  }

  /** Removes and returns the pending names that extend `base`. */
  takeExpansionsOf(base: string): string[] {
    const names = this.pendingByPrefix.get(base);
    if (!names || names.length === 0) return [];
    const taken = new Set(names);
    const out = this.pending.filter((p) => taken.has(p.name));
    this.pending = this.pending.filter((p) => !taken.has(p.name));
    for (const p of out) this.unindex(p);
    return out.map((p) => p.name);
  }

  addPending(name: string): void {
    const entry = { name, prefixes: properPrefixes(name) };
    this.pending.push(entry);
    for (const p of entry.prefixes) {
      const list = this.pendingByPrefix.get(p);
      if (list) list.push(name);
      else this.pendingByPrefix.set(p, [name]);
    }
    if (this.pending.length > WINDOW) this.unindex(this.pending.shift()!);
  }

  addRecent(name: string, rcode: string): void {
    this.recent.push(name);
    const seen = this.recentNames.get(name);
    if (seen) {
      seen.count++;
      seen.rcode = rcode;
    } else this.recentNames.set(name, { count: 1, rcode });
    if (this.recent.length <= WINDOW) return;
    const old = this.recent.shift()!;
    const entry = this.recentNames.get(old)!;
    if (--entry.count === 0) this.recentNames.delete(old);
  }

  private unindex(entry: { name: string; prefixes: string[] }): void {
    for (const p of entry.prefixes) {
      const list = this.pendingByPrefix.get(p);
      if (!list) continue;
      const at = list.indexOf(entry.name);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.pendingByPrefix.delete(p);
    }
  }
}


class ExpansionTracker {
  private readonly clients = new Map<string, ClientWindow>();
  private readonly expanded = new Map<string, ExpandedName>();
  /** Bases some search domain answered NOERROR for: cluster short names, not external. */
  private readonly viaSearch = new Set<string>();

  observe(q: QueryLogEntry): void {
    const key = q.client.replace(/:\d+$/, "");
    let w = this.clients.get(key);
    if (!w && this.clients.size < MAX_CLIENTS) this.clients.set(key, (w = new ClientWindow()));
    if (!w) return;
    // Base asked first (busybox, musl when the name has enough dots), expansions after.
    const earlier = w.earlierBase(q.name);
    if (earlier && q.rcode === "NXDOMAIN") this.record(earlier.name, earlier.rcode, [q.name]);
    else if (q.rcode === "NXDOMAIN") w.addPending(q.name);
    if (earlier && q.rcode === "NOERROR") this.viaSearch.add(earlier.name);
    // Expansions first (glibc with fewer dots than ndots), the base after.
    const later = w.takeExpansionsOf(q.name);
    if (later.length > 0) this.record(q.name, q.rcode, later);
    w.addRecent(q.name, q.rcode);
  }

  private record(base: string, rcode: string, names: string[]): void {
    let e = this.expanded.get(base);
    if (!e) this.expanded.set(base, (e = { base, external: false, expansions: 0, searchDomains: [], finalRcode: rcode }));
    e.expansions += names.length;
    e.finalRcode = rcode;
    for (const n of names) {
      const domain = n.slice(base.length);
      if (!e.searchDomains.includes(domain) && e.searchDomains.length < 10) e.searchDomains.push(domain);
    }
  }

  result(clusterDomain: string): ExpandedName[] {
    const internal = (b: string) => [clusterDomain, "in-addr.arpa.", "ip6.arpa."].some((z) => under(b, z)) || this.viaSearch.has(b);
    return [...this.expanded.values()]
      .map((e) => ({ ...e, external: !internal(e.base) }))
      .sort((a, b) => b.expansions - a.expansions || a.base.localeCompare(b.base));
  }
}

/**
 * Summarise `log` plugin lines: answers per rcode and per zone, and ndots
 * search expansion: NXDOMAIN answers for `<name>.<search domain>` from a
 * client that also asks for `<name>` as written (before or after). Lines that
 * are not query lines are skipped, so a whole CoreDNS log can be passed in.
 */
export function summarizeQueryLog(lines: readonly string[], options: QueryLogOptions = {}): QueryLogSummary {
  const clusterDomain = fqdn(options.clusterDomain ?? "cluster.local");
  const byRcode: Record<string, number> = {};
  const zones = new Map<string, ZoneCount>();
  const tracker = new ExpansionTracker();
  let queries = 0;
  for (const line of Array.isArray(lines) ? lines : []) {
    const q = parseQueryLogLine(line);
    if (!q) continue;
    queries++;
    byRcode[q.rcode] = (byRcode[q.rcode] ?? 0) + 1;
    countZone(zones, zoneOf(q.name, clusterDomain), q.rcode);
    tracker.observe(q);
  }
  const names = tracker.result(clusterDomain);
  const sum = (list: ExpandedName[]) => list.reduce((n, e) => n + e.expansions, 0);
  return {
    queries,
    byRcode,
    byZone: [...zones.values()].sort((a, b) => b.total - a.total || a.suffix.localeCompare(b.suffix)).slice(0, MAX_ZONES),
    searchExpansion: {
      expansionQueries: sum(names),
      externalExpansionQueries: sum(names.filter((e) => e.external)),
      names: names.slice(0, MAX_NAMES),
    },
  };
}

function countZone(zones: Map<string, ZoneCount>, suffix: string, rcode: string): void {
  let z = zones.get(suffix);
  if (!z) zones.set(suffix, (z = { suffix, total: 0, NOERROR: 0, NXDOMAIN: 0, SERVFAIL: 0, other: 0 }));
  z.total++;
  if (rcode === "NOERROR" || rcode === "NXDOMAIN" || rcode === "SERVFAIL") z[rcode]++;
  else z.other++;
}
