/**
 * `diagnose can-reach <snapshot> SRC DST[:PORT[/PROTO]]`: may SRC open a
 * connection to DST under the snapshot's NetworkPolicies, and why. Offline,
 * with the evaluator of src/facts/netpol.
 *
 * SRC and DST are `ns/pod`, `ns/svc/NAME` (a Service: its backend pods, on
 * their resolved targetPort) or an IP address (`203.0.113.9`,
 * `[fd00::1]:443`). PORT is a number or a name (a container port name of the
 * destination pod, or a Service port name); PROTO is TCP (default), UDP or
 * SCTP. For a Service destination PORT is the Service port and may be left out
 * when the Service has a single port.
 *
 * Exit codes: 0 allowed, 1 denied, 2 bad input (unknown pod, Service or port;
 * unreadable snapshot).
 */
import { loadModel } from "../diagnose.js";
import type { ClusterModel } from "../model/model.js";
import { DEFAULT_LIMITS } from "../snapshot/types.js";
import {
  canReach, canReachService, explainServiceVerdict, explainVerdict, parsePortSpec, serviceBackends,
  type EndpointRef, type PolicyIndex, type Protocol, type ServiceVerdict, type Verdict,
} from "../facts/netpol/index.js";
import { parseIp } from "../model/cidr.js";
import type { PortSpec } from "../facts/netpol/ports.js";
import { policyEnforcement, policyIndex } from "../facts/policy/context.js";
import { bool, one, parseArgs, UsageError } from "./args.js";

export const CAN_REACH_HELP = `Usage:
  diagnose can-reach <snapshot> SRC DST[:PORT[/PROTO]] [--format text|json]

May SRC open a connection to DST under the snapshot's NetworkPolicies, and why:
which policies isolate SRC for egress and DST for ingress, which rule admits
the connection, or that no rule does (with the closest rules).

  SRC, DST   ns/pod             a pod
             ns/svc/NAME        a Service: its backend pods on their targetPort
             IP                 an address (outside the cluster, or a node)
  PORT       a number, or a name: a container port of the destination pod, or
             a Service port name. Optional for a Service with a single port.
  PROTO      TCP (default), UDP or SCTP

Examples:
  diagnose can-reach snap.tgz shop/web-7d4b9c-x2k4q shop/svc/api:80
  diagnose can-reach snap.tgz shop/api-5f6d-abcde kube-system/svc/kube-dns:53/UDP
  diagnose can-reach snap.tgz 203.0.113.9 shop/web-7d4b9c-x2k4q:http

Exit codes: 0 allowed, 1 denied, 2 bad input.`;

type Party = { kind: "pod"; namespace: string; name: string } | { kind: "service"; namespace: string; name: string } | { kind: "ip"; ip: string };

/** `ns/pod`, `ns/svc/name` or an IP; a trailing `:port[/proto]` is split off for the destination. */
export function parseEndpoint(text: string, allowPort: boolean): { party: Party; port?: string } {
  let rest = text.trim();
  let port: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) throw new UsageError(`"${text}": unclosed [ in an IPv6 address`);
    const ip = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after && !after.startsWith(":")) throw new UsageError(`"${text}": expected :PORT after the IPv6 address`);
    if (after) port = after.slice(1);
    rest = ip;
    if (!parseIp(rest)) throw new UsageError(`"${text}" is not an IP address`);
    if (port !== undefined && !allowPort) throw new UsageError(`the source takes no port: "${text}"`);
    return { party: { kind: "ip", ip: rest }, ...(port !== undefined ? { port } : {}) };
  }
  if (parseIp(rest)) return { party: { kind: "ip", ip: rest } }; // a bare IPv6 address holds colons
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    port = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!allowPort) throw new UsageError(`the source takes no port: "${text}"`);
  }
  const withPort = port !== undefined ? { port } : {};
  if (parseIp(rest)) return { party: { kind: "ip", ip: rest }, ...withPort };
  const parts = rest.split("/");
  if (parts.length === 2 && parts.every(Boolean)) return { party: { kind: "pod", namespace: parts[0]!, name: parts[1]! }, ...withPort };
  if (parts.length === 3 && parts[1] === "svc" && parts[0] && parts[2]) return { party: { kind: "service", namespace: parts[0], name: parts[2] }, ...withPort };
  throw new UsageError(`"${text}" is not ns/pod, ns/svc/NAME or an IP address`);
}

function toRef(p: Exclude<Party, { kind: "service" }>): EndpointRef {
  return p.kind === "ip" ? { ip: p.ip } : { namespace: p.namespace, name: p.name };
}

function parsePort(text: string | undefined): PortSpec | undefined {
  if (text === undefined) return undefined;
  const spec = parsePortSpec(text);
  if (!spec) throw new UsageError(`"${text}" is not PORT[/PROTO] (a port number 1-65535 or a port name; TCP, UDP or SCTP)`);
  return spec;
}

/** The Service port a PORT[/PROTO] designates: by number or name, and protocol when given. */
function servicePortName(index: PolicyIndex, svc: { namespace: string; name: string }, spec: PortSpec | undefined, protoGiven: boolean): number | string {
  const service = index.services.find((s) => s.metadata.name === svc.name && (s.metadata.namespace ?? "default") === svc.namespace);
  if (!service) throw new UsageError(`Service ${svc.namespace}/${svc.name} is not in the snapshot`);
  const ports = service.spec.ports ?? [];
  if (!spec) {
    if (ports.length === 1) return ports[0]!.name || ports[0]!.port;
    throw new UsageError(`Service ${svc.namespace}/${svc.name} has ${ports.length} ports (${ports.map((p) => `${p.name ? `${p.name}:` : ""}${p.port}/${p.protocol ?? "TCP"}`).join(", ")}): say which, e.g. ${svc.namespace}/svc/${svc.name}:${ports[0]?.port ?? 80}`);
  }
  const matches = ports.filter((p) => (typeof spec.port === "number" ? p.port === spec.port : p.name === spec.port) && (!protoGiven || (p.protocol ?? "TCP").toUpperCase() === spec.protocol));
  if (matches.length === 0) throw new UsageError(`Service ${svc.namespace}/${svc.name} has no port ${spec.port}${protoGiven ? `/${spec.protocol}` : ""}`);
  const chosen = matches[0]!;
  return chosen.name || chosen.port;
}

interface Outcome {
  allowed: boolean;
  lines: string[];
  verdicts: Array<Verdict | ServiceVerdict>;
}

function evaluate(index: PolicyIndex, src: Party, dst: Party, portText: string | undefined): Outcome {
  const spec = parsePort(portText);
  const protoGiven = portText?.includes("/") ?? false;
  const sources: EndpointRef[] = src.kind === "service" ? serviceSources(index, src) : [toRef(src)];
  const verdicts: Array<Verdict | ServiceVerdict> = [];
  const lines: string[] = [];
  let allowed = true;
  for (const from of sources) {
    if (dst.kind === "service") {
      const v = canReachService(index, from, { namespace: dst.namespace, name: dst.name }, servicePortName(index, dst, spec, protoGiven));
      verdicts.push(v);
      lines.push(...(sources.length > 1 ? [`from ${"ip" in from ? from.ip : `${from.namespace}/${from.name}`}:`] : []), ...explainServiceVerdict(v));
      allowed &&= v.allowed;
    } else {
      if (!spec) throw new UsageError(`a port is needed: ${dst.kind === "ip" ? dst.ip : `${dst.namespace}/${dst.name}`}:PORT[/PROTO]`);
      const v = canReach(index, from, toRef(dst), { port: spec.port, protocol: spec.protocol as Protocol });
      verdicts.push(v);
      lines.push(...explainVerdict(v));
      allowed &&= v.allowed;
    }
  }
  return { allowed, lines, verdicts };
}

function serviceSources(index: PolicyIndex, svc: { namespace: string; name: string }): EndpointRef[] {
  const service = index.services.find((s) => s.metadata.name === svc.name && (s.metadata.namespace ?? "default") === svc.namespace);
  if (!service) throw new UsageError(`Service ${svc.namespace}/${svc.name} is not in the snapshot`);
  const pods = serviceBackends(index, service);
  if (pods.length === 0) throw new UsageError(`Service ${svc.namespace}/${svc.name} selects no pod: it has no backend to connect from`);
  return pods.map((p) => ({ namespace: p.namespace, name: p.name }));
}

/** Evaluates one question on a loaded model; evaluator input errors become usage errors. */
export function canReachOnModel(model: ClusterModel, srcText: string, dstText: string): Outcome & { enforced: boolean; cnis: string[] } {
  const src = parseEndpoint(srcText, false).party;
  const { party: dst, port } = parseEndpoint(dstText, true);
  const index = policyIndex(model);
  let outcome: Outcome;
  try {
    outcome = evaluate(index, src, dst, port);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // The evaluator throws plain Errors for unknown pods, Services, ports and addresses.
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const enforcement = policyEnforcement(model);
  if (enforcement.status !== "not-enforced") return { ...outcome, enforced: true, cnis: enforcement.cnis };
  const head = `ALLOWED: the CNI (${enforcement.cnis.join(", ")}) does not enforce NetworkPolicy, so nothing is filtered; the policies alone would say:`;
  return { ...outcome, allowed: true, lines: [head, ...outcome.lines.map((l) => `  ${l}`)], enforced: false, cnis: enforcement.cnis };
}

export async function canReachCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { format: { value: true }, help: { alias: "-h" }, "max-snapshot-mb": { value: true } });
  if (bool(args, "help")) {
    process.stdout.write(`${CAN_REACH_HELP}\n`);
    return 0;
  }
  const format = one(args, "format") ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError(`--format takes text or json, not "${format}"`);
  const [snapshot, src, dst, ...extra] = args.positionals;
  if (!snapshot || !src || !dst) throw new UsageError("usage: diagnose can-reach <snapshot> SRC DST[:PORT[/PROTO]] (see diagnose can-reach --help)");
  if (extra.length) throw new UsageError(`unexpected argument ${extra[0]} (see diagnose can-reach --help)`);
  const mb = one(args, "max-snapshot-mb");
  const limits = mb === undefined ? DEFAULT_LIMITS : parseMb(mb);
  // Parse the endpoints before reading a large snapshot: a typo fails fast.
  parseEndpoint(src, false);
  parsePort(parseEndpoint(dst, true).port);
  const model = await loadModel(snapshot, limits);
  const result = canReachOnModel(model, src, dst);
  if (format === "json") process.stdout.write(`${JSON.stringify({ allowed: result.allowed, policiesEnforced: result.enforced, verdicts: result.verdicts }, null, 2)}\n`);
  else process.stdout.write(`${result.lines.join("\n")}\n`);
  return result.allowed ? 0 : 1;
}

function parseMb(value: string) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--max-snapshot-mb takes a positive number, not "${value}"`);
  const total = Math.round(n * 1024 * 1024);
  return { ...DEFAULT_LIMITS, maxTotalBytes: total, maxEntryBytes: Math.min(DEFAULT_LIMITS.maxEntryBytes, total) };
}
