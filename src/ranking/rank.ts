/**
 * findings → ranked findings. Two steps:
 *
 * 1. Attach symptoms to their root cause. A finding S is a symptom of R when
 *    R's rule lists S's cause in `explains` and either R's rule has
 *    `explainsScope: cluster`, or one of R's subjects is among S's subjects or
 *    scope (e.g. R = "selector matches no pod" on Service shop/web, S =
 *    "Ingress backend has no endpoints" whose scope holds Service shop/web).
 *    Each symptom gets the strongest such root; on a cycle the strongest
 *    finding becomes the root.
 * 2. Score and order the roots:
 *
 *        base  = severityWeight × confidence
 *        score = base × (0.70 + 0.15 × impactFactor + 0.15 × explainFactor)
 *
 *    severityWeight: critical 1.0, high 0.8, medium 0.55, low 0.3, info 0.1;
 *    impactFactor = min(1, log10(1 + impact) / 2) — 99 affected objects saturate;
 *    explainFactor = min(1, symptomsExplained / 3).
 *    Roots are ordered advice last, then by score, severity, id; every symptom
 *    follows all roots (in its root's order), so rank 1 is always a root cause.
 */
import type { Candidate } from "../rules/evaluate.js";
import { SEVERITIES, type Finding, type Severity } from "../types/finding.js";

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 1, high: 0.8, medium: 0.55, low: 0.3, info: 0.1 };

export interface RankOptions {
  /** `NS/NAME` or `NAME`: findings concerning this workload/Service/node rank first. */
  focus?: string;
  /** Causes to rank first (a symptom's candidate causes, CATALOG.md symptom index). */
  preferCauses?: string[];
}

export function baseScore(c: Candidate): number {
  return SEVERITY_WEIGHT[c.finding.severity] * c.finding.confidence;
}

function explainsCause(pattern: string, cause: string): boolean {
  return pattern.endsWith(".*") ? cause.startsWith(pattern.slice(0, -1)) : pattern === cause;
}

function canExplain(root: Candidate, symptom: Candidate): boolean {
  if (root === symptom || root.finding.key === symptom.finding.key) return false;
  if (!root.rule.rule.explains.some((p) => explainsCause(p, symptom.finding.cause))) return false;
  if (root.rule.rule.explainsScope === "cluster") return true;
  for (const k of root.subjectKeys) if (symptom.relatedKeys.has(k)) return true;
  return false;
}

function compareStrength(a: Candidate, b: Candidate): number {
  return baseScore(b) - baseScore(a) || SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity) || a.finding.key.localeCompare(b.finding.key);
}

/** parent[i] = index of the root cause finding i is attached to, or -1. */
function attach(candidates: Candidate[]): number[] {
  const parent = candidates.map((s) => {
    let best = -1;
    candidates.forEach((r, i) => {
      if (canExplain(r, s) && (best < 0 || compareStrength(r, candidates[best]!) < 0)) best = i;
    });
    return best;
  });
  // Break cycles (A explains B explains A) by detaching the weakest finding on the cycle.
  for (let start = 0; start < candidates.length; start++) {
    const seen = new Set<number>();
    let i = start;
    while (i >= 0 && !seen.has(i)) {
      seen.add(i);
      i = parent[i]!;
    }
    if (i < 0) continue;
    const cycle: number[] = [];
    let j = i;
    do {
      cycle.push(j);
      j = parent[j]!;
    } while (j !== i);
    // The strongest finding on a cycle becomes the root; the others stay its symptoms.
    const strongest = cycle.reduce((s, k) => (compareStrength(candidates[k]!, candidates[s]!) < 0 ? k : s), cycle[0]!);
    parent[strongest] = -1;
  }
  return parent;
}

function concerns(c: Candidate, focus: string): boolean {
  const [ns, name] = focus.includes("/") ? focus.split("/", 2) : [undefined, focus];
  for (const key of c.relatedKeys) {
    const parts = key.split("/");
    const keyName = parts[parts.length - 1]!;
    const keyNs = parts.length === 3 ? parts[1] : undefined;
    if (ns !== undefined && keyNs !== ns) continue;
    if (keyName === name || keyName.startsWith(`${name}-`)) return true;
  }
  return false;
}

export function rankFindings(candidates: Candidate[], options: RankOptions = {}): Finding[] {
  const parent = attach(candidates);
  const children = candidates.map(() => [] as number[]);
  parent.forEach((p, i) => p >= 0 && children[p]!.push(i));
  const descendants = (i: number): number => children[i]!.reduce((n, c) => n + 1 + descendants(c), 0);

  const findings = candidates.map((c, i) => {
    const impactFactor = Math.min(1, Math.log10(1 + c.finding.impact) / 2);
    const explainFactor = Math.min(1, descendants(i) / 3);
    const score = baseScore(c) * (0.7 + 0.15 * impactFactor + 0.15 * explainFactor);
    return { ...c.finding, score: Math.round(score * 1000) / 1000 };
  });
  const preferred = (i: number): number => {
    let p = 0;
    if (options.focus && concerns(candidates[i]!, options.focus)) p -= 2;
    if (options.preferCauses?.some((pc) => explainsCause(pc, candidates[i]!.finding.cause))) p -= 1;
    return p;
  };
  const order = (a: number, b: number): number =>
    Number(findings[a]!.advice) - Number(findings[b]!.advice) ||
    preferred(a) - preferred(b) ||
    findings[b]!.score - findings[a]!.score ||
    SEVERITIES.indexOf(findings[a]!.severity) - SEVERITIES.indexOf(findings[b]!.severity) ||
    findings[a]!.key.localeCompare(findings[b]!.key);

  const roots = candidates.map((_, i) => i).filter((i) => parent[i]! < 0).sort(order);
  const ordered: number[] = [...roots];
  // Symptoms follow all roots, breadth-first under their root's order.
  for (let k = 0; k < ordered.length; k++) ordered.push(...children[ordered[k]!]!.sort(order));

  return ordered.map((i, idx) => {
    const f = findings[i]!;
    const kids = children[i]!.map((c) => findings[c]!);
    const p = parent[i]!;
    return {
      ...f,
      rank: idx + 1,
      explains: [...new Set(kids.map((k) => k.cause))],
      explainedFindings: kids.map((k) => k.key),
      ...(p >= 0 ? { explainedBy: findings[p]!.key } : {}),
    };
  });
}
