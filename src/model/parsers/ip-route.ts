/**
 * `ip route` / `ip -6 route` output:
 *
 *   default via 172.12.0.1 dev eth0 proto dhcp src 10.0.0.11 metric 100
 *   10.254.0.0/24 via 10.254.0.0 dev flannel.1 onlink
 *   blackhole 10.48.0.64/26 proto bird
 *   default proto static metric 100
 *           nexthop via 10.0.0.1 dev eth0 weight 1
 *
 * One route per line; `nexthop` continuation lines attach to the route above.
 */
import { type LineSource, type SkippedLines, linesOf, newSkipped, recordSkipped } from "./lines.js";

export type RouteType = "unicast" | "local" | "broadcast" | "multicast" | "blackhole" | "unreachable" | "prohibit" | "throw" | "nat" | "anycast";

export interface NextHop {
  via?: string;
  dev?: string;
  weight?: number;
}

export interface Route {
  line: number;
  type: RouteType;
  /** `default` or a prefix/address as printed (`10.244.1.0/24`, `10.48.0.67`). */
  dst: string;
  via?: string;
  dev?: string;
  /** kernel, boot, static, dhcp, bird (Calico BGP), or a number. */
  proto?: string;
  scope?: string;
  src?: string;
  metric?: number;
  mtu?: number;
  table?: string;
  /** onlink, linkdown, dead, pervasive, offload… */
  flags: string[];
  nexthops: NextHop[];
}

export interface IpRouteOutput {
  routes: Route[];
  lineCount: number;
  skipped: SkippedLines;
}

const ROUTE_TYPES = new Set<RouteType>(["unicast", "local", "broadcast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "anycast"]);
const VALUE_KEYS = new Set(["via", "dev", "proto", "scope", "src", "metric", "mtu", "table", "nhid", "pref", "expires", "realm", "realms", "advmss", "hoplimit", "initcwnd", "initrwnd", "rtt", "rttvar", "quickack", "weight", "tos", "dsfield", "congctl", "features", "encap", "from", "window", "ssthresh", "cwnd", "reordering", "fastopen_no_cookie", "rto_min"]);
const FLAG_WORDS = new Set(["onlink", "linkdown", "dead", "pervasive", "offload", "trap", "notify", "rt_offload", "rt_trap", "unresolved"]);
/** Looks like an address, a prefix, or `default`: the route destination. */
const DESTINATION = /^(?:default|[0-9a-fA-F:.]+(?:\/\d{1,3})?)$/;

export function parseIpRoute(input: LineSource): IpRouteOutput {
  const out: IpRouteOutput = { routes: [], lineCount: 0, skipped: newSkipped() };
  for (const raw of linesOf(input)) {
    const lineNo = ++out.lineCount;
    const line = raw.trim();
    if (line === "") continue;
    const words = line.split(/\s+/);
    const last = out.routes[out.routes.length - 1];
    if (words[0] === "nexthop" && last) {
      last.nexthops.push(nextHop(words));
      continue;
    }
    const route = parseRoute(words, lineNo);
    if (route) out.routes.push(route);
    else recordSkipped(out.skipped, lineNo, raw);
  }
  return out;
}

function parseRoute(words: string[], line: number): Route | undefined {
  let i = 0;
  let type: RouteType = "unicast";
  if (ROUTE_TYPES.has(words[0] as RouteType)) type = words[i++] as RouteType;
  const dst = words[i++];
  if (!dst || !DESTINATION.test(dst)) return undefined;
  const route: Route = { line, type, dst, flags: [], nexthops: [] };
  while (i < words.length) {
    const key = words[i]!;
    if (FLAG_WORDS.has(key)) {
      route.flags.push(key);
      i++;
      continue;
    }
    if (!VALUE_KEYS.has(key)) {
      i++; // an attribute this parser does not know: skip the word, keep the route
      continue;
    }
    let value = words[i + 1];
    i += 2;
    // `mtu lock 1400`: the lock keyword sits between the key and its value.
    if (value === "lock" && i < words.length) value = words[i++];
    // `via inet6 fe80::1`: an IPv4 route through an IPv6 next hop names the family first.
    if (key === "via" && (value === "inet" || value === "inet6") && i < words.length) value = words[i++];
    if (value === undefined) break;
    assign(route, key, value);
  }
  return route;
}

function assign(route: Route, key: string, value: string): void {
  switch (key) {
    case "via":
      route.via = value;
      break;
    case "dev":
      route.dev = value;
      break;
    case "proto":
      route.proto = value;
      break;
    case "scope":
      route.scope = value;
      break;
    case "src":
      route.src = value;
      break;
    case "table":
      route.table = value;
      break;
    case "metric": {
      const n = Number(value);
      if (Number.isInteger(n)) route.metric = n;
      break;
    }
    case "mtu": {
      const n = Number(value);
      if (Number.isInteger(n)) route.mtu = n;
      break;
    }
  }
}

function nextHop(words: string[]): NextHop {
  const hop: NextHop = {};
  for (let i = 1; i + 1 < words.length; i++) {
    if (words[i] === "via") hop.via = words[i + 1]!;
    else if (words[i] === "dev") hop.dev = words[i + 1]!;
    else if (words[i] === "weight") hop.weight = Number(words[i + 1]);
  }
  return hop;
}
