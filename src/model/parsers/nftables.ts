/**
 * nftables rulesets, in both shapes a snapshot can hold:
 *  - `nft list ruleset` (nested `table … { chain … { … } }` blocks, element
 *    lists wrapped over several lines, optional `# handle N` from `-a`);
 *  - `nft -f` transactions (`add table|chain|rule|set|map|element …`, one per
 *    line), which is how kube-proxy (knftables) writes its rules and what its
 *    own tests assert.
 * Then `mapNftablesKubeProxy` reads kube-proxy's `ip kube-proxy` /
 * `ip6 kube-proxy` table into the same ProxyRuleSet as the iptables mapper.
 *
 * Line by line, with a brace-balanced accumulator for statements that span
 * lines; unknown lines are counted and skipped.
 */
import { type LineSource, type SkippedLines, linesOf, newSkipped, recordSkipped } from "./lines.js";
import {
  type ProxyRuleSet,
  type ProxyServicePort,
  cniOfChain,
  emptyRuleSet,
  emptyServicePort,
  normaliseMark,
  parseServicePortComment,
  pushUnique,
  splitHostPort,
  toProtocol,
} from "./proxy-rule-set.js";

export interface NftRule {
  line: number;
  /** The statements, e.g. `ip daddr 10.43.0.1 tcp dport 443 jump mark-for-masquerade`. */
  text: string;
  comment?: string;
}

export interface NftChain {
  name: string;
  line: number;
  type?: string;
  hook?: string;
  priority?: string;
  policy?: string;
  comment?: string;
  rules: NftRule[];
}

export interface NftElement {
  line: number;
  /** `172.30.0.41 . tcp . 80` */
  key: string;
  /** Map value: `goto service-…`, `drop`. */
  value?: string;
  comment?: string;
}

export interface NftSet {
  name: string;
  kind: "set" | "map";
  line: number;
  type?: string;
  flags?: string;
  timeout?: string;
  comment?: string;
  elements: NftElement[];
}

export interface NftTable {
  family: string;
  name: string;
  line: number;
  chains: Map<string, NftChain>;
  sets: Map<string, NftSet>;
}

export interface NftRuleset {
  /** Keyed `"<family> <name>"`, e.g. `"ip kube-proxy"`. */
  tables: Map<string, NftTable>;
  lineCount: number;
  skipped: SkippedLines;
}

const FAMILIES = new Set(["ip", "ip6", "inet", "arp", "bridge", "netdev"]);
/** Longest statement we accumulate across lines before giving up on it. */
const MAX_STATEMENT_LINES = 100_000;

type Frame =
  | { kind: "table"; table: NftTable }
  | { kind: "chain"; chain: NftChain }
  | { kind: "set"; set: NftSet }
  | { kind: "skip" };

export class NftParser {
  private readonly ruleset: NftRuleset = { tables: new Map(), lineCount: 0, skipped: newSkipped() };
  private readonly stack: Frame[] = [];
  /** A statement spanning lines; `starts[i]` is where physical line `line + i` begins in `text`. */
  private pending: { text: string; line: number; starts: number[] } | undefined;

  push(raw: string): void {
    const lineNo = ++this.ruleset.lineCount;
    const line = stripHandle(raw).trim();
    if (this.pending) {
      this.pending.starts.push(this.pending.text.length + 1);
      this.pending.text += ` ${line}`;
      if (braceBalance(this.pending.text) <= 0 || this.pending.starts.length > MAX_STATEMENT_LINES) {
        const { text, line: start, starts } = this.pending;
        this.pending = undefined;
        this.statement(text, start, raw, starts);
      }
      return;
    }
    if (line === "" || line.startsWith("#")) return;
    if (braceBalance(line) > 0 && !opensBlock(line)) {
      this.pending = { text: line, line: lineNo, starts: [0] };
      return;
    }
    this.statement(line, lineNo, raw);
  }

  finish(): NftRuleset {
    if (this.pending) recordSkipped(this.ruleset.skipped, this.pending.line, this.pending.text);
    this.pending = undefined;
    return this.ruleset;
  }

  private statement(line: string, lineNo: number, raw: string, starts: number[] = [0]): void {
    if (line === "}") {
      if (this.stack.pop() === undefined) recordSkipped(this.ruleset.skipped, lineNo, raw);
      return;
    }
    const top = this.stack[this.stack.length - 1];
    const words = line.split(/\s+/);
    if (!top) {
      if (!this.topLevel(line, words, lineNo)) recordSkipped(this.ruleset.skipped, lineNo, raw);
      return;
    }
    switch (top.kind) {
      case "skip":
        if (opensBlock(line)) this.stack.push({ kind: "skip" });
        return;
      case "table":
        this.inTable(top.table, line, words, lineNo);
        return;
      case "chain":
        this.inChain(top.chain, line, words, lineNo);
        return;
      case "set":
        this.inSet(top.set, line, words, (offset) => lineNo + lineIndex(starts, offset));
        return;
    }
  }

  private topLevel(line: string, words: string[], lineNo: number): boolean {
    if (words[0] === "table" && opensBlock(line)) {
      const { family, name } = familyAndName(words.slice(1, -1));
      if (!name) return false;
      this.stack.push({ kind: "table", table: this.table(family, name, lineNo) });
      return true;
    }
    return this.command(line, words, lineNo);
  }

  private inTable(table: NftTable, line: string, words: string[], lineNo: number): void {
    if (opensBlock(line)) {
      const name = unquote(words[1] ?? "");
      if (words[0] === "chain" && name) this.stack.push({ kind: "chain", chain: this.chain(table, name, lineNo) });
      else if ((words[0] === "set" || words[0] === "map") && name) this.stack.push({ kind: "set", set: this.set(table, words[0], name, lineNo) });
      else this.stack.push({ kind: "skip" }); // flowtable, counter, ct helper…: not needed
    }
    // table-level `comment`/`flags` lines carry nothing we use.
  }

  private inChain(chain: NftChain, line: string, words: string[], lineNo: number): void {
    if (words[0] === "type" && line.includes(" hook ")) {
      applyChainSpec(chain, line);
      return;
    }
    if (words[0] === "comment" && words.length >= 2 && line.endsWith('"')) {
      chain.comment = unquote(line.slice("comment".length).trim());
      return;
    }
    chain.rules.push(rule(line, lineNo));
  }

  private inSet(set: NftSet, line: string, words: string[], lineAt: (offset: number) => number): void {
    if (words[0] === "elements") {
      const open = line.indexOf("{");
      const close = line.lastIndexOf("}");
      if (open !== -1 && close > open) set.elements.push(...parseElements(line.slice(open + 1, close), (offset) => lineAt(open + 1 + offset)));
      return;
    }
    applySetSpec(set, line);
  }

  /** Transaction syntax: `add rule ip kube-proxy services ip daddr …`. */
  private command(line: string, words: string[], lineNo: number): boolean {
    const verb = words[0];
    if (verb === "flush" || verb === "delete" || verb === "destroy") return true;
    if (verb !== "add" && verb !== "create" && verb !== "insert" && verb !== "replace") return false;
    const object = words[1];
    const rest = words.slice(2);
    const hasFamily = FAMILIES.has(rest[0] ?? "");
    const family = hasFamily ? rest[0]! : "ip";
    const tableName = rest[hasFamily ? 1 : 0];
    const objectName = rest[hasFamily ? 2 : 1];
    if (!tableName) return false;
    const table = this.table(family, tableName, lineNo);
    if (object === "table") return true;
    if (!objectName) return false;
    const name = unquote(objectName);
    // Everything after the object name: a `{ … }` spec or the rule statements.
    const afterName = afterWords(line, (hasFamily ? 5 : 4));
    switch (object) {
      case "chain": {
        const chain = this.chain(table, name, lineNo);
        if (afterName.startsWith("{")) applyChainSpec(chain, afterName.slice(1, afterName.lastIndexOf("}")));
        return true;
      }
      case "set":
      case "map": {
        const set = this.set(table, object, name, lineNo);
        if (afterName.startsWith("{")) for (const part of afterName.slice(1, afterName.lastIndexOf("}")).split(";")) applySetSpec(set, part.trim());
        return true;
      }
      case "element": {
        const set = table.sets.get(name) ?? this.set(table, "set", name, lineNo);
        const open = afterName.indexOf("{");
        const close = afterName.lastIndexOf("}");
        if (open === -1 || close < open) return false;
        set.elements.push(...parseElements(afterName.slice(open + 1, close), () => lineNo));
        return true;
      }
      case "rule": {
        // `insert rule … CHAIN position N …` / `add rule … CHAIN index N …`: drop the position.
        const statements = afterName.replace(/^(?:position|index|handle)\s+\d+\s+/, "");
        if (statements === "") return false;
        this.chain(table, name, lineNo).rules.push(rule(statements, lineNo));
        return true;
      }
      default:
        return true; // counters, quotas, flowtables: valid, not needed
    }
  }

  private table(family: string, name: string, line: number): NftTable {
    const key = `${family} ${name}`;
    let t = this.ruleset.tables.get(key);
    if (!t) {
      t = { family, name, line, chains: new Map(), sets: new Map() };
      this.ruleset.tables.set(key, t);
    }
    return t;
  }

  private chain(table: NftTable, name: string, line: number): NftChain {
    let c = table.chains.get(name);
    if (!c) {
      c = { name, line, rules: [] };
      table.chains.set(name, c);
    }
    return c;
  }

  private set(table: NftTable, kind: "set" | "map", name: string, line: number): NftSet {
    let s = table.sets.get(name);
    if (!s) {
      s = { name, kind, line, elements: [] };
      table.sets.set(name, s);
    }
    return s;
  }
}

export function parseNftRuleset(input: LineSource): NftRuleset {
  const parser = new NftParser();
  for (const line of linesOf(input)) parser.push(line);
  return parser.finish();
}

function stripHandle(line: string): string {
  const i = line.lastIndexOf(" # handle ");
  return i === -1 ? line : line.slice(0, i);
}

/** `{` minus `}` outside double quotes. */
function braceBalance(text: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 123) depth++;
    else if (!quoted && c === 125) depth--;
  }
  return depth;
}

/** A block header such as `chain services {` (as opposed to a statement with an inline `{ … }`). */
function opensBlock(line: string): boolean {
  return line.endsWith("{") && braceBalance(line) === 1 && !line.includes("elements") && !line.includes(" vmap ") && !line.includes(" map ");
}

function familyAndName(words: string[]): { family: string; name: string | undefined } {
  if (words.length >= 2 && FAMILIES.has(words[0]!)) return { family: words[0]!, name: words[1] };
  return { family: "ip", name: words[0] };
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** The text after the first `n` whitespace-separated words. */
function afterWords(line: string, n: number): string {
  let i = 0;
  for (let w = 0; w < n; w++) {
    while (i < line.length && line[i] === " ") i++;
    while (i < line.length && line[i] !== " ") i++;
  }
  return line.slice(i).trim();
}

const TRAILING_COMMENT = /\s+comment\s+"([^"]*)"\s*$/;

function rule(text: string, line: number): NftRule {
  const m = TRAILING_COMMENT.exec(text);
  return m ? { line, text: text.slice(0, m.index), comment: m[1]! } : { line, text };
}

/** `type nat hook prerouting priority dstnat; policy accept;` (semicolons or ` ; `). */
function applyChainSpec(chain: NftChain, spec: string): void {
  for (const part of spec.split(";")) {
    const words = part.trim().split(/\s+/);
    for (let i = 0; i + 1 < words.length; i++) {
      const key = words[i];
      if (key === "type") chain.type = words[i + 1]!;
      else if (key === "hook") chain.hook = words[i + 1]!;
      else if (key === "priority") chain.priority = words.slice(i + 1).join(" ");
      else if (key === "policy") chain.policy = words[i + 1]!;
      else if (key === "comment") chain.comment = unquote(words.slice(i + 1).join(" "));
    }
  }
}

function applySetSpec(set: NftSet, line: string): void {
  const space = line.indexOf(" ");
  if (space === -1) return;
  const key = line.slice(0, space);
  const value = line.slice(space + 1).trim();
  if (key === "type" || key === "typeof") set.type = value;
  else if (key === "flags") set.flags = value;
  else if (key === "timeout") set.timeout = value;
  else if (key === "comment") set.comment = unquote(value);
}

/** Index of the physical line holding `offset` of an accumulated statement. */
function lineIndex(starts: number[], offset: number): number {
  let i = 0;
  while (i + 1 < starts.length && starts[i + 1]! <= offset) i++;
  return i;
}

/** Split an element list at top-level commas: `a . tcp . 80 comment "x" : goto c, b : drop`. */
function parseElements(body: string, lineAt: (offset: number) => number): NftElement[] {
  const out: NftElement[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    const c = i < body.length ? body.charCodeAt(i) : 44;
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 123) depth++;
    else if (!quoted && c === 125) depth--;
    else if (!quoted && depth === 0 && c === 44) {
      const raw = body.slice(start, i);
      const element = parseElement(raw.trim(), lineAt(start + raw.length - raw.trimStart().length));
      if (element) out.push(element);
      start = i + 1;
    }
  }
  return out;
}

const ELEMENT_COMMENT = /\s+comment\s+"([^"]*)"/;
const ELEMENT_EXTRAS = /\s+(?:timeout|expires|counter)\s.*$/;

function parseElement(text: string, line: number): NftElement | undefined {
  if (text === "") return undefined;
  let rest = text;
  let comment: string | undefined;
  const m = ELEMENT_COMMENT.exec(rest);
  if (m) {
    comment = m[1]!;
    rest = rest.slice(0, m.index) + rest.slice(m.index + m[0].length);
  }
  const sep = rest.indexOf(" : ");
  const key = (sep === -1 ? rest : rest.slice(0, sep)).replace(ELEMENT_EXTRAS, "").trim();
  const element: NftElement = { line, key };
  if (sep !== -1) element.value = rest.slice(sep + 3).trim();
  if (comment !== undefined) element.comment = comment;
  return element;
}

// ---- kube-proxy (nftables mode) ---------------------------------------------

type NftChainKind = "service" | "local" | "external" | "endpoint" | "firewall";

interface KubeProxyChainName {
  kind: NftChainKind;
  key: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: string;
}

// service-ULMVA6XW-ns1/svc1/tcp/p80, endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80
const KUBE_PROXY_CHAIN = /^(service|local|external|endpoint|firewall)-[A-Z0-9]+-([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9]*)\/([a-z]+)\/([-a-z0-9]*)(?:__.*)?$/;

export function parseKubeProxyChainName(chain: string): KubeProxyChainName | undefined {
  const m = KUBE_PROXY_CHAIN.exec(chain);
  if (!m) return undefined;
  return { kind: m[1] as NftChainKind, namespace: m[2]!, name: m[3]!, protocol: m[4]!, portName: m[5]!, key: `${m[2]}/${m[3]}:${m[5]}` };
}

const GOTO_OR_JUMP = /\b(?:goto|jump)\s+([^\s,}]+)/g;
const NOT_SOURCE = /\bip6? saddr != ([0-9a-fA-F.:/]+)/;
const SOURCE_SHORT_CIRCUIT = /\bip6? saddr ([0-9a-fA-F.:/]+) goto /;
const SOURCE_RANGES = /\bip6? saddr != \{([^}]*)\}/;
const DNAT_TO = /\bdnat (?:ip6? )?to (\S+)/;
const MARK_OR = /\bmark set (?:meta )?mark (?:or|\|) (0x[0-9a-fA-F]+)/;

class NftMapper {
  readonly set: ProxyRuleSet = emptyRuleSet("nftables");
  private readonly ports = new Map<string, ProxyServicePort>();
  private readonly clusterIps = new Set<string>();
  private readonly endpointRefs = new Map<string, { chain: string; local: boolean }[]>();

  constructor(private readonly ruleset: NftRuleset, private readonly family: "ip" | "ip6") {
    this.set.family = family === "ip6" ? "ipv6" : "ipv4";
  }

  run(): ProxyRuleSet {
    this.detectCni();
    const table = this.ruleset.tables.get(`${this.family} kube-proxy`);
    if (!table) return this.set;
    this.set.kubeProxyMode = "nftables";
    const present = this.set.present;
    present.kubeProxy = true;
    present.servicesChain = table.chains.has("services");
    present.nodePortsChain = table.sets.has("service-nodeports") || table.chains.has("nodeports");
    present.postroutingChain = table.chains.has("masquerading");
    present.markMasqChain = table.chains.has("mark-for-masquerade");

    for (const e of table.sets.get("cluster-ips")?.elements ?? []) this.clusterIps.add(e.key);
    for (const e of table.sets.get("service-ips")?.elements ?? []) this.frontEnd(e);
    for (const e of table.sets.get("service-nodeports")?.elements ?? []) this.nodePort(e);
    for (const e of table.sets.get("firewall-ips")?.elements ?? []) this.firewallIp(e);
    for (const e of table.sets.get("no-endpoint-services")?.elements ?? []) this.noEndpoints(e, false);
    for (const e of table.sets.get("no-endpoint-nodeports")?.elements ?? []) this.noEndpoints(e, true);
    for (const chain of table.chains.values()) this.chain(chain, table);
    this.masquerade(table);
    this.assemble(table);
    for (const [key, sp] of this.ports) this.set.services[key] = sp;
    return this.set;
  }

  private detectCni(): void {
    for (const table of this.ruleset.tables.values()) {
      const own = cniOfChain(table.name);
      if (own) pushUnique(this.set.present.cni, own);
      for (const name of table.chains.keys()) {
        const cni = cniOfChain(name);
        if (cni) pushUnique(this.set.present.cni, cni);
      }
    }
  }

  /** `172.30.0.41 . tcp . 80 : goto service-…` */
  private frontEnd(e: NftElement): void {
    const [ip, proto, portText] = e.key.split(" . ");
    const chain = verdictChain(e.value);
    const named = chain ? parseKubeProxyChainName(chain) : undefined;
    if (!ip || !named) return;
    const sp = this.port(named);
    const port = Number(portText);
    // Without a cluster-ips set (older kube-proxy), a service/local chain target means a ClusterIP.
    const clusterIp = this.clusterIps.size === 0 || this.clusterIps.has(ip);
    if ((named.kind === "service" || named.kind === "local") && clusterIp) {
      sp.clusterIP = ip;
      if (Number.isInteger(port)) sp.port = port;
      sp.protocol ??= toProtocol(proto);
      sp.line = e.line;
    } else {
      pushUnique(sp.externalDestinations, ip);
    }
  }

  /** `tcp . 3001 : goto external-…` */
  private nodePort(e: NftElement): void {
    const port = Number(e.key.split(" . ")[1]);
    const chain = verdictChain(e.value);
    const named = chain ? parseKubeProxyChainName(chain) : undefined;
    if (named && Number.isInteger(port)) pushUnique(this.port(named).nodePorts, port);
  }

  /** `5.6.7.8 . tcp . 80 : goto firewall-…`: a load-balancer IP with source ranges. */
  private firewallIp(e: NftElement): void {
    const ip = e.key.split(" . ")[0];
    const chain = verdictChain(e.value);
    const named = chain ? parseKubeProxyChainName(chain) : undefined;
    if (!ip || !named) return;
    const sp = this.port(named);
    pushUnique(sp.externalDestinations, ip);
    pushUnique(sp.loadBalancerIPs, ip);
    sp.chains.firewall ??= chain;
  }

  /** `172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain` or `… : drop`. */
  private noEndpoints(e: NftElement, nodePort: boolean): void {
    const named = e.comment ? parseServicePortComment(e.comment) : undefined;
    if (!named) return;
    const sp = this.port(named);
    if (e.value === "drop") sp.hasNoLocalEndpointsDrop = true;
    else sp.hasNoEndpointsReject = true;
    const parts = e.key.split(" . ");
    if (nodePort) {
      const port = Number(parts[1]);
      if (Number.isInteger(port)) pushUnique(sp.nodePorts, port);
    } else if (parts[0] && this.clusterIps.has(parts[0])) {
      sp.clusterIP ??= parts[0];
      const port = Number(parts[2]);
      if (sp.port === undefined && Number.isInteger(port)) sp.port = port;
      sp.protocol ??= toProtocol(parts[1]);
      sp.line ??= e.line;
    } else if (parts[0]) {
      pushUnique(sp.externalDestinations, parts[0]);
    }
  }

  private chain(chain: NftChain, table: NftTable): void {
    const named = parseKubeProxyChainName(chain.name);
    if (!named) return;
    const sp = this.port(named);
    switch (named.kind) {
      case "service":
      case "local": {
        if (named.kind === "service") sp.chains.service ??= chain.name;
        else sp.chains.local ??= chain.name;
        const refs: { chain: string; local: boolean }[] = [];
        for (const rule of chain.rules) {
          if (rule.text.includes("jump mark-for-masquerade")) this.masqueradeRule(rule.text);
          for (const target of gotoTargets(rule.text)) {
            if (!target.startsWith("endpoint-")) continue;
            if (!refs.some((r) => r.chain === target)) refs.push({ chain: target, local: named.kind === "local" });
            const affinity = rule.text.includes("saddr @affinity-") ? affinitySeconds(table, rule.text) : undefined;
            if (affinity !== undefined) sp.sessionAffinitySeconds = affinity;
          }
        }
        this.endpointRefs.set(chain.name, refs);
        return;
      }
      case "external":
        sp.chains.external ??= chain.name;
        for (const rule of chain.rules) {
          // "short-circuit pod traffic": kube-proxy's local-traffic detector, i.e. its cluster CIDR.
          const m = SOURCE_SHORT_CIRCUIT.exec(rule.text);
          if (m) pushUnique(this.set.masquerade.clusterCIDRs, m[1]!);
        }
        return;
      case "firewall":
        sp.chains.firewall ??= chain.name;
        for (const rule of chain.rules) {
          const m = SOURCE_RANGES.exec(rule.text);
          if (m) for (const range of m[1]!.split(",")) pushUnique(sp.loadBalancerSourceRanges, range.trim());
        }
        return;
      case "endpoint":
        return; // read in assemble(), once every referencing chain is known
    }
  }

  private masqueradeRule(text: string): void {
    const m = NOT_SOURCE.exec(text);
    if (m) pushUnique(this.set.masquerade.clusterCIDRs, m[1]!);
    else if (/\bip6? daddr /.test(text) && !/\bip6? saddr /.test(text)) this.set.masquerade.masqueradeAll = true;
  }

  private masquerade(table: NftTable): void {
    const m = this.set.masquerade;
    for (const rule of table.chains.get("masquerading")?.rules ?? []) {
      if (!/\bmasquerade\b/.test(rule.text)) continue;
      m.postroutingMasquerade = true;
      if (rule.text.includes("fully-random")) m.randomFully = true;
    }
    for (const rule of table.chains.get("mark-for-masquerade")?.rules ?? []) {
      const mark = MARK_OR.exec(rule.text);
      const bit = mark ? normaliseMark(mark[1]!) : undefined;
      if (bit) m.markMasqBit = bit;
    }
  }

  private assemble(table: NftTable): void {
    const referenced = new Set<string>();
    for (const sp of this.ports.values()) {
      for (const chainName of [sp.chains.service, sp.chains.local]) {
        for (const ref of (chainName && this.endpointRefs.get(chainName)) || []) {
          referenced.add(ref.chain);
          const existing = sp.endpoints.find((e) => e.chain === ref.chain);
          if (existing) {
            if (ref.local) existing.local = true;
            continue;
          }
          const target = endpointTarget(table.chains.get(ref.chain));
          if (target) sp.endpoints.push(ref.local ? { ...target, chain: ref.chain, local: true } : { ...target, chain: ref.chain });
        }
      }
    }
    for (const name of table.chains.keys()) {
      if (name.startsWith("endpoint-") && !referenced.has(name)) this.set.orphanEndpointChains.push(name);
    }
  }

  private port(named: { key: string; namespace: string; name: string; portName: string; protocol?: string }): ProxyServicePort {
    let sp = this.ports.get(named.key);
    if (!sp) {
      sp = emptyServicePort(named.key);
      sp.namespace = named.namespace;
      sp.name = named.name;
      sp.portName = named.portName;
      const protocol = toProtocol(named.protocol);
      if (protocol) sp.protocol = protocol;
      this.ports.set(named.key, sp);
    }
    return sp;
  }
}

function verdictChain(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(?:goto|jump)\s+(\S+)$/.exec(value.trim());
  return m ? m[1] : undefined;
}

function gotoTargets(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(GOTO_OR_JUMP)) out.push(m[1]!);
  return out;
}

/** `dnat to 10.180.0.1:80` in an endpoint chain. */
function endpointTarget(chain: NftChain | undefined): { ip: string; port: number; line: number } | undefined {
  for (const rule of chain?.rules ?? []) {
    const m = DNAT_TO.exec(rule.text);
    const hostPort = m ? splitHostPort(m[1]!) : undefined;
    if (hostPort) return { ...hostPort, line: rule.line };
  }
  return undefined;
}

/** `ip saddr @affinity-X goto endpoint-…`: the affinity set's timeout is the ClientIP timeout. */
function affinitySeconds(table: NftTable, ruleText: string): number | undefined {
  const m = /@(affinity-\S+)/.exec(ruleText);
  const timeout = m ? table.sets.get(m[1]!)?.timeout : undefined;
  return timeout ? durationSeconds(timeout) : undefined;
}

/** nft durations: `10800s`, `3h`, `1d2h3m4s`. */
function durationSeconds(text: string): number | undefined {
  const units: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  let matched = "";
  for (const m of text.matchAll(/(\d+)([dhms])/g)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0];
  }
  return matched === text ? total : undefined;
}

/** kube-proxy's view of the node from an nftables ruleset (family `ip` or `ip6`). */
export function mapNftablesKubeProxy(ruleset: NftRuleset, family: "ip" | "ip6" = "ip"): ProxyRuleSet {
  return new NftMapper(ruleset, family).run();
}
