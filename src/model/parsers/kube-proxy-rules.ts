/**
 * Maps an iptables dump back to the Services kube-proxy (iptables mode) was
 * programming, following kube-proxy's own chain layout:
 *
 *   nat KUBE-SERVICES  -d ClusterIP --dport P -j KUBE-SVC-X     "ns/svc:port cluster IP"
 *                      -d ExtIP/LB-IP          -j KUBE-EXT-X / KUBE-FW-X
 *   nat KUBE-NODEPORTS --dport NodePort        -j KUBE-EXT-X
 *   KUBE-EXT-X → KUBE-SVC-X (cluster policy) or KUBE-SVL-X (local policy)
 *   KUBE-SVC-X / KUBE-SVL-X → KUBE-SEP-Y (statistic / recent affinity)
 *   KUBE-SEP-Y  -j DNAT --to-destination podIP:port
 *   filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES  "… has no endpoints" REJECT,
 *          "… has no local endpoints" DROP; KUBE-NODEPORTS health check ports;
 *          KUBE-PROXY-FIREWALL load-balancer source ranges.
 *
 * Comments name the Service port, but large clusters make kube-proxy drop most
 * of them, so ownership follows the jumps first and comments second. Pre-1.24
 * layouts (KUBE-XLB-, masquerade rules in KUBE-SERVICES) are understood too.
 */
import type { IptablesChain, IptablesDump, IptablesRule, IptablesTable } from "./iptables.js";
import { findOption } from "./iptables.js";
import {
  type ProxyEndpoint,
  type ProxyRuleSet,
  type ProxyServicePort,
  type ServicePortName,
  cniOfChain,
  emptyRuleSet,
  emptyServicePort,
  hostAddress,
  normaliseMark,
  parseServicePortComment,
  pushUnique,
  splitHostPort,
  toProtocol,
} from "./proxy-rule-set.js";

type ChainKind = "service" | "local" | "external" | "firewall" | "endpoint";

const CHAIN_KINDS: [string, ChainKind][] = [
  ["KUBE-SVC-", "service"],
  ["KUBE-SVL-", "local"],
  ["KUBE-XLB-", "local"], // pre-1.24 name of the local-traffic-policy chain
  ["KUBE-EXT-", "external"],
  ["KUBE-FW-", "firewall"],
  ["KUBE-SEP-", "endpoint"],
];

function chainKind(name: string | undefined): ChainKind | undefined {
  if (!name) return undefined;
  for (const [prefix, kind] of CHAIN_KINDS) if (name.startsWith(prefix)) return kind;
  return undefined;
}

interface SepTarget {
  ip: string;
  port: number;
  line: number;
}

class Mapper {
  readonly set: ProxyRuleSet = emptyRuleSet("iptables");
  private readonly ports = new Map<string, ProxyServicePort>();
  /** KUBE-SVC/SVL/XLB/EXT/FW chain → service port key. */
  private readonly owner = new Map<string, string>();
  /** KUBE-SVC/SVL/XLB chain → KUBE-SEP chains it jumps to, in order. */
  private readonly sepRefs = new Map<string, string[]>();
  private readonly seps = new Map<string, SepTarget>();
  private readonly commentCache = new Map<string, ReturnType<typeof parseServicePortComment>>();
  /** Comment-less jumps (large-cluster mode), resolved once every chain has an owner. */
  private readonly pendingFrontEnds: IptablesRule[] = [];
  private readonly pendingNodePorts: IptablesRule[] = [];
  private sawIpvsSets = false;

  constructor(private readonly dump: IptablesDump) {
    if (dump.family) this.set.family = dump.family;
  }

  run(): ProxyRuleSet {
    const nat = this.dump.tables.get("nat");
    const filter = this.dump.tables.get("filter");
    if (nat) this.mapNat(nat);
    if (filter) this.mapFilter(filter);
    this.assembleEndpoints(nat);
    this.detectPresence(nat);
    for (const [key, sp] of this.ports) this.set.services[key] = sp;
    return this.set;
  }

  // ---- nat ---------------------------------------------------------------

  private mapNat(nat: IptablesTable): void {
    const services = nat.chains.get("KUBE-SERVICES");
    if (services) for (const rule of services.rules) this.servicesRule(rule);
    const nodePorts = nat.chains.get("KUBE-NODEPORTS");
    if (nodePorts) for (const rule of nodePorts.rules) this.nodePortRule(rule);

    // Ownership flows down the jumps: EXT/FW/XLB chains hand theirs to the chains they call.
    for (const chain of nat.chains.values()) {
      const kind = chainKind(chain.name);
      if (kind === "external" || kind === "firewall" || kind === "local") this.propagateOwner(chain);
    }
    for (const chain of nat.chains.values()) {
      const kind = chainKind(chain.name);
      if (!kind) continue;
      if (kind === "endpoint") this.endpointChain(chain);
      else this.serviceSideChain(chain, kind);
    }
    this.masquerade(nat);
  }

  private servicesRule(rule: IptablesRule): void {
    if (this.matchesIpvsSet(rule)) return;
    const target = rule.target;
    if (target === "KUBE-MARK-MASQ") {
      // Pre-1.24 kube-proxy marked off-cluster ClusterIP traffic right in KUBE-SERVICES.
      this.markMasqRule(rule);
      this.clusterIpFrontEnd(rule);
      return;
    }
    const kind = chainKind(target);
    const named = this.comment(rule);
    if (!named) {
      // Comment-less jumps (large-cluster mode): the chain's own rules will name it.
      if (kind === "service" && rule.destination) this.pendingFrontEnds.push(rule);
      return;
    }
    const sp = this.port(named);
    if (target && kind && kind !== "endpoint") this.own(target, named.key);
    const dest = rule.destination && !rule.destination.negated ? hostAddress(rule.destination.value) : undefined;
    if (named.rest.startsWith("cluster IP")) this.clusterIpFrontEnd(rule, sp);
    else if (dest && named.rest.startsWith("external IP")) pushUnique(sp.externalDestinations, dest);
    else if (dest && named.rest.startsWith("loadbalancer IP")) {
      pushUnique(sp.externalDestinations, dest);
      pushUnique(sp.loadBalancerIPs, dest);
    }
  }

  private nodePortRule(rule: IptablesRule): void {
    const port = Number(rule.destinationPort?.value);
    if (!Number.isInteger(port) || rule.destinationPort?.negated) return;
    const named = this.comment(rule);
    const key = named?.key ?? (rule.target ? this.owner.get(rule.target) : undefined);
    if (named) {
      const sp = this.port(named);
      if (rule.target && chainKind(rule.target)) this.own(rule.target, named.key);
      pushUnique(sp.nodePorts, port);
      if (sp.line === undefined) sp.line = rule.line;
    } else if (key) {
      const sp = this.ports.get(key);
      if (sp) pushUnique(sp.nodePorts, port);
    } else if (rule.target && chainKind(rule.target)) {
      this.pendingNodePorts.push(rule);
    }
  }

  private propagateOwner(chain: IptablesChain): void {
    const key = this.owner.get(chain.name) ?? this.keyFromComments(chain);
    if (!key) return;
    this.own(chain.name, key);
    for (const rule of chain.rules) {
      const kind = chainKind(rule.target);
      if (kind === "service" || kind === "local" || kind === "external") this.own(rule.target!, key);
    }
  }

  private serviceSideChain(chain: IptablesChain, kind: Exclude<ChainKind, "endpoint">): void {
    const key = this.owner.get(chain.name) ?? this.keyFromComments(chain);
    const sp = key ? this.ports.get(key) : undefined;
    if (sp) {
      this.own(chain.name, sp.key);
      if (kind === "service") sp.chains.service ??= chain.name;
      else if (kind === "local") sp.chains.local ??= chain.name;
      else if (kind === "external") sp.chains.external ??= chain.name;
      else sp.chains.firewall ??= chain.name;
    }
    // A Set: with session affinity every endpoint chain is jumped to twice.
    const refs = new Set<string>();
    for (const rule of chain.rules) {
      const targetKind = chainKind(rule.target);
      if (targetKind === "endpoint") {
        refs.add(rule.target!);
        const seconds = affinitySeconds(rule);
        if (sp && seconds !== undefined) sp.sessionAffinitySeconds = seconds;
      } else if (rule.target === "KUBE-MARK-MASQ") {
        this.markMasqRule(rule);
        if (sp && kind === "service") this.clusterIpFrontEnd(rule, sp);
      } else if (kind === "firewall" && sp && rule.source && !rule.source.negated && targetKind) {
        pushUnique(sp.loadBalancerSourceRanges, rule.source.value);
      }
    }
    if (kind === "service" || kind === "local") this.sepRefs.set(chain.name, [...refs]);
  }

  private endpointChain(chain: IptablesChain): void {
    for (const rule of chain.rules) {
      if (rule.target !== "DNAT") continue;
      const to = findOption(rule, "--to-destination", "target")?.args[0];
      const hostPort = to ? splitHostPort(to) : undefined;
      if (hostPort) this.seps.set(chain.name, { ip: hostPort.ip, port: hostPort.port, line: rule.line });
    }
  }

  private masquerade(nat: IptablesTable): void {
    const m = this.set.masquerade;
    for (const rule of nat.chains.get("KUBE-POSTROUTING")?.rules ?? []) {
      if (rule.target !== "MASQUERADE") continue;
      m.postroutingMasquerade = true;
      if (findOption(rule, "--random-fully", "target")) m.randomFully = true;
    }
    for (const rule of nat.chains.get("KUBE-MARK-MASQ")?.rules ?? []) {
      if (rule.target !== "MARK") continue;
      const mark = findOption(rule, "--or-mark", "target") ?? findOption(rule, "--set-xmark", "target");
      const bit = mark?.args[0] ? normaliseMark(mark.args[0]) : undefined;
      if (bit) m.markMasqBit = bit;
    }
    for (const chain of nat.chains.values()) {
      if (chain.name === "KUBE-POSTROUTING") continue;
      for (const rule of chain.rules) {
        if (rule.target !== "MASQUERADE" && rule.target !== "SNAT") continue;
        const other: ProxyRuleSet["masquerade"]["otherRules"][number] = { chain: chain.name, target: rule.target, line: rule.line };
        if (rule.source) other.source = (rule.source.negated ? "!" : "") + rule.source.value;
        if (rule.destination) other.destination = (rule.destination.negated ? "!" : "") + rule.destination.value;
        m.otherRules.push(other);
      }
    }
  }

  /** `! -s <clusterCIDR> … -j KUBE-MARK-MASQ` tells kube-proxy's cluster CIDR; an unconditional one, --masquerade-all. */
  private markMasqRule(rule: IptablesRule): void {
    if (rule.source?.negated) pushUnique(this.set.masquerade.clusterCIDRs, rule.source.value);
    else if (!rule.source && rule.destination && rule.destinationPort) this.set.masquerade.masqueradeAll = true;
  }

  /** A rule matching `-d ClusterIP -p proto --dport port` (with the "cluster IP" comment when present). */
  private clusterIpFrontEnd(rule: IptablesRule, sp?: ProxyServicePort): void {
    const named = sp ? undefined : this.comment(rule);
    const port = sp ?? (named && named.rest.startsWith("cluster IP") ? this.port(named) : undefined);
    if (!port || !rule.destination || rule.destination.negated) return;
    port.clusterIP ??= hostAddress(rule.destination.value);
    const p = Number(rule.destinationPort?.value);
    if (port.port === undefined && Number.isInteger(p)) port.port = p;
    port.protocol ??= toProtocol(rule.protocol?.value);
    if (port.line === undefined || rule.chain === "KUBE-SERVICES") port.line = rule.line;
  }

  private matchesIpvsSet(rule: IptablesRule): boolean {
    const set = findOption(rule, "--match-set");
    if (set?.args[0]?.startsWith("KUBE-")) {
      this.sawIpvsSets = true;
      if (rule.target === "KUBE-MARK-MASQ") this.markMasqRule(rule);
      return true;
    }
    return false;
  }

  // ---- filter ------------------------------------------------------------

  private mapFilter(filter: IptablesTable): void {
    for (const rule of filter.chains.get("KUBE-SERVICES")?.rules ?? []) this.noEndpointsRule(rule, false);
    for (const rule of filter.chains.get("KUBE-EXTERNAL-SERVICES")?.rules ?? []) this.noEndpointsRule(rule, true);
    for (const rule of filter.chains.get("KUBE-NODEPORTS")?.rules ?? []) {
      const named = this.comment(rule);
      const port = Number(rule.destinationPort?.value);
      if (named?.rest.startsWith("health check node port") && Number.isInteger(port)) this.port(named).healthCheckNodePort = port;
    }
    for (const rule of filter.chains.get("KUBE-PROXY-FIREWALL")?.rules ?? []) {
      const named = this.comment(rule);
      if (!named?.rest.startsWith("traffic not accepted by") || !rule.destination) continue;
      const sp = this.port(named);
      const ip = hostAddress(rule.destination.value);
      pushUnique(sp.externalDestinations, ip);
      pushUnique(sp.loadBalancerIPs, ip);
      const fw = named.rest.split(" ").find((w) => w.startsWith("KUBE-FW-"));
      if (fw) sp.chains.firewall ??= fw;
    }
  }

  /**
   * "ns/svc:port has no endpoints" (REJECT) and "… has no local endpoints" (DROP).
   * In KUBE-SERVICES the destination is the ClusterIP; in KUBE-EXTERNAL-SERVICES
   * it is an external/LB IP, or the node itself (`--dst-type LOCAL`) for a NodePort.
   */
  private noEndpointsRule(rule: IptablesRule, external: boolean): void {
    const named = this.comment(rule);
    if (!named) return;
    const noEndpoints = named.rest.startsWith("has no endpoints");
    const noLocal = named.rest.startsWith("has no local endpoints");
    if (!noEndpoints && !noLocal) return;
    const sp = this.port(named);
    if (noEndpoints) sp.hasNoEndpointsReject = true;
    else sp.hasNoLocalEndpointsDrop = true;
    const port = Number(rule.destinationPort?.value);
    const toNode = findOption(rule, "--dst-type")?.args[0] === "LOCAL";
    if (external && toNode && Number.isInteger(port)) {
      pushUnique(sp.nodePorts, port);
    } else if (rule.destination && !rule.destination.negated) {
      const ip = hostAddress(rule.destination.value);
      if (external) pushUnique(sp.externalDestinations, ip);
      else {
        sp.clusterIP ??= ip;
        if (sp.port === undefined && Number.isInteger(port)) sp.port = port;
        sp.protocol ??= toProtocol(rule.protocol?.value);
      }
    }
    if (sp.line === undefined) sp.line = rule.line;
  }

  // ---- assembly ----------------------------------------------------------

  private assembleEndpoints(nat: IptablesTable | undefined): void {
    for (const rule of this.pendingFrontEnds) {
      const key = this.owner.get(rule.target!);
      if (key) this.clusterIpFrontEnd(rule, this.ports.get(key));
    }
    for (const rule of this.pendingNodePorts) {
      const key = this.owner.get(rule.target!);
      const port = Number(rule.destinationPort?.value);
      if (key) pushUnique(this.ports.get(key)!.nodePorts, port);
    }
    const referenced = new Set<string>();
    for (const sp of this.ports.values()) {
      const byChain = new Map<string, ProxyEndpoint>();
      for (const [chain, local] of [[sp.chains.service, false], [sp.chains.local, true]] as const) {
        if (!chain) continue;
        for (const sep of this.sepRefs.get(chain) ?? []) {
          referenced.add(sep);
          const existing = byChain.get(sep);
          if (existing) {
            if (local) existing.local = true;
            continue;
          }
          const target = this.seps.get(sep);
          if (!target) continue;
          const endpoint: ProxyEndpoint = { ip: target.ip, port: target.port, chain: sep, line: target.line };
          if (local) endpoint.local = true;
          byChain.set(sep, endpoint);
          sp.endpoints.push(endpoint);
        }
      }
    }
    // Chains reached from an unowned KUBE-SVC chain still count as referenced.
    for (const refs of this.sepRefs.values()) for (const sep of refs) referenced.add(sep);
    for (const chain of nat?.chains.keys() ?? []) {
      if (chainKind(chain) === "endpoint" && !referenced.has(chain)) this.set.orphanEndpointChains.push(chain);
    }
  }

  private detectPresence(nat: IptablesTable | undefined): void {
    const present = this.set.present;
    present.servicesChain = nat?.chains.has("KUBE-SERVICES") ?? false;
    present.nodePortsChain = nat?.chains.has("KUBE-NODEPORTS") ?? false;
    present.postroutingChain = nat?.chains.has("KUBE-POSTROUTING") ?? false;
    present.markMasqChain = nat?.chains.has("KUBE-MARK-MASQ") ?? false;
    let iptablesMode = false;
    for (const table of this.dump.tables.values()) {
      for (const name of table.chains.keys()) {
        const cni = cniOfChain(name);
        if (cni && !present.cni.includes(cni)) present.cni.push(cni);
        if (table.name === "nat" && (name.startsWith("KUBE-SVC-") || name.startsWith("KUBE-SEP-"))) iptablesMode = true;
      }
    }
    if (this.sawIpvsSets) this.set.kubeProxyMode = "ipvs";
    else if (iptablesMode || this.ports.size > 0) this.set.kubeProxyMode = "iptables";
    // Any of kube-proxy's own chains, in any table (a filter-only `iptables -S` still shows them).
    const ownChains = [...this.dump.tables.values()].some((t) => t.chains.has("KUBE-PROXY-CANARY") || t.chains.has("KUBE-SERVICES"));
    present.kubeProxy = ownChains || iptablesMode || this.sawIpvsSets || this.ports.size > 0;
  }

  // ---- helpers -----------------------------------------------------------

  private comment(rule: IptablesRule): (ServicePortName & { rest: string }) | undefined {
    for (const text of rule.comments) {
      let parsed = this.commentCache.get(text);
      if (parsed === undefined && !this.commentCache.has(text)) {
        parsed = parseServicePortComment(text);
        this.commentCache.set(text, parsed);
      }
      if (parsed) return parsed;
    }
    return undefined;
  }

  private keyFromComments(chain: IptablesChain): string | undefined {
    for (const rule of chain.rules) {
      const named = this.comment(rule);
      if (named) {
        this.port(named);
        return named.key;
      }
    }
    return undefined;
  }

  private own(chain: string, key: string): void {
    if (!this.owner.has(chain)) this.owner.set(chain, key);
  }

  private port(named: ServicePortName): ProxyServicePort {
    let sp = this.ports.get(named.key);
    if (!sp) {
      sp = emptyServicePort(named.key);
      sp.namespace = named.namespace;
      sp.name = named.name;
      sp.portName = named.portName;
      this.ports.set(named.key, sp);
    }
    return sp;
  }
}

/** `-m recent --rcheck --seconds 10800` on a KUBE-SVC → KUBE-SEP jump: ClientIP affinity. */
function affinitySeconds(rule: IptablesRule): number | undefined {
  if (!findOption(rule, "--rcheck")) return undefined;
  const seconds = Number(findOption(rule, "--seconds")?.args[0]);
  return Number.isInteger(seconds) ? seconds : undefined;
}

/** kube-proxy's view of the node, from an iptables(-save) dump. */
export function mapIptablesKubeProxy(dump: IptablesDump): ProxyRuleSet {
  return new Mapper(dump).run();
}
