/**
 * Log lines reporting that a connection timed out — what dropped packets look
 * like to a client (a refused connection is an answer; a policy drop is
 * silence): Go's `dial tcp 10.96.12.40:80: i/o timeout` and `connect:
 * connection timed out`, nginx's `upstream timed out (110: Connection timed
 * out) while connecting to upstream`, Node's `connect ETIMEDOUT`, Java's
 * `connect timed out`, curl's `Connection timed out after`. Indexed once per
 * diagnosis by the ip:port targets and in-cluster Service names they mention,
 * and by the pod that logged them.
 */
import { ipv4TargetsIn } from "../../model/cidr.js";
import type { ClusterModel } from "../../model/model.js";
import { clip, type Evidence } from "../../types/evidence.js";

const TIMEOUT = /timed out|i\/o timeout|ETIMEDOUT|Timeout exceeded|deadline exceeded/i;
/** A DNS lookup timing out is the DNS layer's symptom, not a connection to this target. */
const DNS_LOOKUP = /lookup \S+ on \S+:53/;
/** `<service>.<namespace>.svc` (optionally `.cluster.local`…) as clients write Service names. */
const SERVICE_NAME = /(?<![-a-z0-9.])([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\.svc\b/g;

export interface TimeoutLine {
  file: string;
  line: number;
  text: string;
  namespace: string;
  pod: string;
}

export interface TimeoutIndex {
  lines: TimeoutLine[];
  /** "10.244.1.5:8080" → line ids. */
  byTarget: Map<string, number[]>;
  /** "svc/ns" → line ids. */
  byService: Map<string, number[]>;
  /** "namespace/pod" of the logging pod → line ids. */
  byPod: Map<string, number[]>;
}

function add(map: Map<string, number[]>, key: string, id: number): void {
  const ids = map.get(key);
  if (!ids) map.set(key, [id]);
  else if (ids[ids.length - 1] !== id) ids.push(id);
}

export function timeoutIndex(model: ClusterModel): TimeoutIndex {
  return model.memo("policy:timeouts", () => {
    const index: TimeoutIndex = { lines: [], byTarget: new Map(), byService: new Map(), byPod: new Map() };
    for (const log of model.logs) {
      log.lines.forEach((text, i) => {
        if (!TIMEOUT.test(text) || DNS_LOOKUP.test(text)) return;
        const id = index.lines.push({ file: log.path, line: i + 1, text, namespace: log.namespace, pod: log.pod }) - 1;
        add(index.byPod, `${log.namespace}/${log.pod}`, id);
        for (const target of ipv4TargetsIn(text)) add(index.byTarget, target, id);
        for (const m of text.matchAll(SERVICE_NAME)) add(index.byService, `${m[1]}/${m[2]}`, id);
      });
    }
    return index;
  });
}

/** Distinct lines among the given id lists, with the first three cited. */
export function timeoutLines(index: TimeoutIndex, idLists: Iterable<readonly number[] | undefined>): { count: number; samples: Evidence[]; ids: number[] } {
  const ids = new Set<number>();
  for (const list of idLists) for (const id of list ?? []) ids.add(id);
  const sorted = [...ids].sort((a, b) => a - b);
  const samples = sorted.slice(0, 3).map((id) => {
    const l = index.lines[id]!;
    return { file: l.file, line: l.line, excerpt: clip(l.text) };
  });
  return { count: sorted.length, samples, ids: sorted };
}

/** Host names and ip:port targets mentioned in a text (env value, log line). */
export function mentionedHosts(text: string): Array<{ host: string; port?: number; scheme?: string }> {
  const out: Array<{ host: string; port?: number; scheme?: string }> = [];
  for (const m of text.matchAll(/\b([a-z][a-z0-9+.-]{0,15}):\/\/(?:[^@\s/]*@)?(\[[0-9a-f:]+\]|[^:/\s"'?#]+)(?::(\d{1,5}))?/gi)) {
    out.push({ host: m[2]!.toLowerCase(), scheme: m[1]!.toLowerCase(), ...(m[3] ? { port: Number(m[3]) } : {}) });
  }
  for (const target of ipv4TargetsIn(text)) {
    const [host, port] = target.split(":");
    out.push({ host: host!, port: Number(port) });
  }
  return out;
}
