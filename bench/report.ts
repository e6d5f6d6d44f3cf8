/**
 * Time of each report formatter on a large report: a cluster-wide outage with
 * many findings (default 500 root causes with 3 symptoms each = 2,000 findings,
 * 3–4 evidence lines apiece), built from the realistic sample findings of
 * test/report/sample-reports.ts with distinct keys, ranks and namespaces.
 *
 *   node --import tsx bench/report.ts [rootCauses] [runs]
 */
import { performance } from "node:perf_hooks";
import { FORMATTERS, FORMAT_NAMES } from "../src/report/formatters/index.js";
import type { Finding } from "../src/types/finding.js";
import type { Report } from "../src/types/report.js";
import { corednsDownReport, selectorMismatchReport } from "../test/report/sample-reports.js";

const ROOTS = Number(process.argv[2] ?? 500);
const RUNS = Number(process.argv[3] ?? 5);
const SYMPTOMS_PER_ROOT = 3;

function largeReport(roots: number): Report {
  const base = selectorMismatchReport();
  const templates = [...base.findings, ...corednsDownReport().findings].map((f) => ({ ...f, explainedBy: undefined }));
  const rootFindings: Finding[] = [];
  const symptoms: Finding[] = [];
  for (let i = 0; i < roots; i++) {
    const ns = `team-${i % 40}`;
    const t = templates[i % templates.length]!;
    const root: Finding = {
      ...t,
      key: `${t.ruleId}@Service/${ns}/svc-${i}`,
      rank: i + 1,
      subjects: t.subjects.map((s) => ({ ...s, namespace: s.namespace ? ns : undefined, name: `${s.name}-${i}` })),
      explains: [],
      explainedFindings: [],
    };
    for (let j = 0; j < SYMPTOMS_PER_ROOT; j++) {
      const st = templates[(i + j + 1) % templates.length]!;
      const symptom: Finding = {
        ...st,
        key: `${st.ruleId}@Ingress/${ns}/ing-${i}-${j}`,
        rank: roots + i * SYMPTOMS_PER_ROOT + j + 1,
        explainedBy: root.key,
        explains: [],
        explainedFindings: [],
      };
      root.explainedFindings.push(symptom.key);
      if (!root.explains.includes(symptom.cause)) root.explains.push(symptom.cause);
      symptoms.push(symptom);
    }
    rootFindings.push(root);
  }
  const findings = [...rootFindings, ...symptoms];
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return { ...base, findings, summary: { findings: findings.length, rootCauses: roots, advice: 0, bySeverity } };
}

const report = largeReport(ROOTS);
console.log(`report: ${report.findings.length} findings (${ROOTS} root causes), ${RUNS} runs per format`);
// The first call of md/html reads and compiles the template: measured apart from the renders.
for (const name of FORMAT_NAMES) {
  const first = performance.now();
  FORMATTERS[name](report, { color: true, verbose: true });
  const firstMs = performance.now() - first;
  const times: number[] = [];
  let size = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    size = FORMATTERS[name](report, { color: true, verbose: true }).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${name.padEnd(5)} first ${firstMs.toFixed(0).padStart(5)} ms  median ${median.toFixed(0).padStart(5)} ms  output ${(size / 1024 / 1024).toFixed(2)} MB`);
}
