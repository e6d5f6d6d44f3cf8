/**
 * Cost of the DNS facts on a large snapshot: the healthy cluster plus N
 * application Deployments (2 pods each) whose logs hold L lines, a few of
 * them DNS failures of several runtimes, and a CoreDNS query log (log plugin)
 * of Q lines with ndots search expansions. Times the whole DNS fact builder
 * (client-failure scan, CoreDNS signals, query-log attribution), not loading.
 *
 *   node --import tsx bench/dns.ts [workloads] [linesPerLog] [queryLines] [runs]
 */
import { expandScenario } from "../fixtures/lib/expand.js";
import { loadScenario } from "../fixtures/generate.js";
import { buildModel } from "../src/model/build.js";
import { computeFacts } from "../src/facts/index.js";
import { dnsFacts } from "../src/facts/dns.js";

const [WORKLOADS = 200, LINES = 5000, QUERIES = 200_000, RUNS = 3] = process.argv.slice(2).map(Number);

const ORDINARY = [
  '{"level":"info","ts":"2026-11-22T10:27:03.902Z","msg":"request served","path":"/api/cart","status":200,"duration_ms":12}',
  "2026-11-22T10:24:13.552Z INFO  handled GET /healthz in 0.4ms",
  '10.244.1.5 - - [22/Nov/2026:10:21:07 +0000] "GET /api/items HTTP/1.1" 200 231 "-" "kube-probe/1.31"',
];
const FAILURES = [
  "dial tcp: lookup payments.payments.svc.cluster.local on 10.96.0.10:53: read udp 10.244.1.7:41633->10.96.0.10:53: i/o timeout",
  "java.net.UnknownHostException: kafka-1.kafka.default.svc.cluster.local",
  "Error: getaddrinfo EAI_AGAIN api.openweathermap.org api.openweathermap.org:80",
];

const scenario = await loadScenario("healthy");
for (let i = 0; i < WORKLOADS; i++) {
  scenario.namespaces!.push({ name: `team-${i}` });
  scenario.workloads!.push({ namespace: `team-${i}`, name: "app", replicas: 2, labels: { app: "app" }, containers: [{ name: "app", image: "ghcr.io/example/app:1.0" }] });
  const lines = Array.from({ length: LINES }, (_, j) => (j % 997 === 0 ? FAILURES[j % FAILURES.length]! : ORDINARY[j % ORDINARY.length]!));
  scenario.logs!.push({ namespace: `team-${i}`, pod: "workload:app", container: "app", text: lines.join("\n") });
}
const queries: string[] = [];
for (let j = 0; j < QUERIES; j++) {
  // Each lookup: three search-list expansions, then the name as written, from one client (400 pod IPs in turn).
  const c = Math.floor(j / 4) % 400;
  const client = `10.244.${1 + (c % 2)}.${3 + (c >> 1)}:${30000 + (j % 30000)}`;
  const suffix = ["payments.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""][j % 4]!;
  queries.push(`[INFO] ${client} - ${j % 65536} "A IN api.stripe.com.${suffix} udp 70 false 1232" ${suffix ? "NXDOMAIN" : "NOERROR"} qr,aa,rd 163 0.000151003s`);
}
scenario.logs!.push({ namespace: "kube-system", pod: "workload:coredns#1", container: "coredns", text: queries.join("\n") });

const files = expandScenario(scenario);
const totalLines = WORKLOADS * LINES + QUERIES;
const times: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const model = buildModel({ source: "bench", files: new Map([...files].map(([k, v]) => [k, Buffer.from(v)])), warnings: [] });
  const start = performance.now();
  const subjects = computeFacts(model, [dnsFacts]);
  times.push(performance.now() - start);
  if (r === 0) process.stdout.write(`${subjects.length} subjects, ${model.resources.pods.length} pods, ${model.logs.length} log files, ${totalLines.toLocaleString("en")} log lines\n`);
}
const best = Math.min(...times);
process.stdout.write(`dns facts: best ${best.toFixed(0)} ms of ${RUNS} runs (${Math.round(totalLines / (best / 1000)).toLocaleString("en")} lines/s)\n`);
