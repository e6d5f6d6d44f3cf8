/**
 * What is wrong with a Corefile (CoreDNS refuses it, or it does not answer
 * the cluster domain) and what is merely unwise (no cache, no loop/health/
 * ready, no lameduck, a tiny max_concurrent). Each item carries the Corefile
 * line so a finding can cite it.
 */
import type { CorefileAnalysis, CorefileIssueCode } from "../../model/parsers/corefile.js";
import { resolvesClusterDomain } from "../../model/parsers/corefile.js";

export interface CorefileFinding {
  line: number;
  text: string;
}

/** Grammar problems: after one of these the plugin structure is not trustworthy. */
const GRAMMAR: ReadonlySet<CorefileIssueCode> = new Set<CorefileIssueCode>([
  "unterminated-quote", "missing-close-brace", "unexpected-close-brace", "unexpected-open-brace", "block-without-keys",
  "expected-another-key", "snippet-without-block", "snippet-redeclared", "import-arity", "expansion-limit", "nesting-too-deep",
]);

/** Below this many concurrent upstream queries CoreDNS answers REFUSED under ordinary load. */
export const LOW_MAX_CONCURRENT = 100;

export function corefileProblems(a: CorefileAnalysis, clusterDomain: string, clusterDomainSource: string): CorefileFinding[] {
  const out: CorefileFinding[] = a.issues.filter((i) => i.severity === "error").map((i) => ({ line: i.line, text: i.message }));
  if (a.issues.some((i) => GRAMMAR.has(i.code))) return out;
  const verdict = resolvesClusterDomain(a, clusterDomain);
  if (verdict.resolves) return out;
  const block = verdict.blockIndex !== undefined ? a.blocks[verdict.blockIndex] : undefined;
  switch (verdict.reason) {
    case "no-server-block":
      // An imported file (AKS custom/*.server, k3s custom) may define it: we cannot see those.
      if (a.imports.length === 0) out.push({ line: 1, text: `no server block answers the cluster domain ${clusterDomain} (${clusterDomainSource}): cluster names are REFUSED` });
      break;
    case "no-kubernetes-plugin":
      out.push({ line: block?.line ?? 1, text: `the server block for ${block?.keys.map((k) => k.raw).join(" ") ?? clusterDomain} has no kubernetes plugin: names under ${clusterDomain} are forwarded upstream and never resolve to Services` });
      break;
    case "kubernetes-zone-mismatch": {
      const k8s = a.kubernetesPlugins.find((k) => k.blockIndex === verdict.blockIndex);
      out.push({ line: k8s?.line ?? block?.line ?? 1, text: `the kubernetes plugin serves ${verdict.kubernetesZones?.join(" ")} but the cluster domain is ${clusterDomain} (${clusterDomainSource}): Service names return NXDOMAIN` });
      break;
    }
  }
  return out.sort((x, y) => x.line - y.line);
}

export function corefileAdvice(a: CorefileAnalysis): CorefileFinding[] {
  const out: CorefileFinding[] = a.issues.filter((i) => i.severity === "warning").map((i) => ({ line: i.line, text: i.message }));
  if (a.mainBlockIndex === undefined) return out;
  const main = a.blocks[a.mainBlockIndex]!;
  const at = main.line;
  if (!a.cache) out.push({ line: at, text: "no cache plugin: every query is answered from scratch or forwarded upstream" });
  if (!a.loop) out.push({ line: at, text: "no loop plugin: a forwarding loop (e.g. to a node stub resolver) exhausts CoreDNS instead of stopping it at startup" });
  if (!a.health) out.push({ line: at, text: "no health plugin: the liveness probe (:8080/health) cannot check CoreDNS" });
  else if (a.health.lameduck === undefined) out.push({ line: a.health.line, text: "health without lameduck: CoreDNS stops answering the moment it is told to stop, so queries fail during rollouts (kubeadm uses lameduck 5s)" });
  if (!a.ready) out.push({ line: at, text: "no ready plugin: the readiness probe (:8181/ready) cannot wait for the kubernetes plugin to sync, so new pods answer before they know the cluster" });
  for (const f of a.forward) {
    if (f.blockIndex === a.mainBlockIndex && f.maxConcurrent !== undefined && f.maxConcurrent < LOW_MAX_CONCURRENT) {
      out.push({ line: f.line, text: `forward max_concurrent ${f.maxConcurrent}: queries beyond ${f.maxConcurrent} in flight are answered REFUSED (kubeadm uses 1000)` });
    }
  }
  return out.sort((x, y) => x.line - y.line);
}
