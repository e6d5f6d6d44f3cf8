/**
 * npm run bench [-- S M L] [--seed N]
 *
 * For each size: the synthetic snapshot (bench/generate.ts, cached in
 * bench/out/), then in separate processes the floor (gunzip + tar + JSON.parse
 * + line splitting, nothing else) and the full diagnosis, each with its wall
 * time and peak RSS. Prints the diagnose/floor ratio, the time per stage
 * (garbage collection apart, as `gc`: a full collection lands in whichever
 * stage is running), and each stage's scaling exponent between the smallest
 * and the largest size run
 * (log(t2/t1) / log(n2/n1): 1 is linear). Then the layer benchmarks other
 * parts of the project keep in bench/ (netpol, iptables) when they exist.
 *
 * Targets (issue #8): diagnose ≤ 2.5× the floor on M and L, peak RSS ≤ 1.5 GB
 * on L, no stage above exponent 1.15. The machine may be shared: numbers are
 * noisy, compare ratios measured in the same run.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BENCH_OUT, SIZES, GENERATOR_VERSION, type GeneratedSnapshot, type SizeName } from "./generate.js";
import type { Measurement } from "./measure.js";

const run = promisify(execFile);
const BENCH_DIR = import.meta.dirname;
const CHILD = ["--max-old-space-size=6144", "--import", "tsx"];
const TARGETS = { ratio: 2.5, rssBytes: 1.5e9, exponent: 1.15 };

interface Row {
  size: SizeName;
  snapshot: GeneratedSnapshot;
  floor: Measurement;
  diagnose: Measurement;
}

async function node(script: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [...CHILD, join(BENCH_DIR, script), ...args], { maxBuffer: 64 * 1024 * 1024, cwd: join(BENCH_DIR, "..") });
  return stdout;
}

async function snapshotFor(size: SizeName, seed: number): Promise<GeneratedSnapshot> {
  const out = await node("generate.ts", [size, String(seed)]);
  return JSON.parse(out.split("\n")[0]!) as GeneratedSnapshot;
}

async function measure(mode: "floor" | "diagnose", path: string): Promise<Measurement> {
  return JSON.parse((await node("measure.ts", [mode, path])).trim()) as Measurement;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const pad = (v: string, n: number) => v.padStart(n);

function exponent(t1: number, t2: number, n1: number, n2: number): number {
  return Math.log(Math.max(t2, 1e-3) / Math.max(t1, 1e-3)) / Math.log(n2 / n1);
}

/** Objects the object-bound stages iterate over. */
function objects(g: GeneratedSnapshot): number {
  return g.counts.pods + g.counts.services + g.counts.policies + g.counts.nodes;
}

function printTable(rows: Row[]): void {
  const out: string[] = [];
  out.push(`${"size".padEnd(5)}${pad("pods", 7)}${pad("svcs", 7)}${pad("nodes", 6)}${pad("unpacked", 10)}${pad("ipt lines", 11)} |${pad("floor", 9)}${pad("RSS", 9)} |${pad("diagnose", 10)}${pad("RSS", 9)} |${pad("ratio", 7)}`);
  for (const r of rows) {
    const c = r.snapshot.counts;
    const ratio = r.diagnose.totalMs / r.floor.totalMs;
    out.push(
      `${r.size.padEnd(5)}${pad(String(c.pods), 7)}${pad(String(c.services), 7)}${pad(String(c.nodes), 6)}${pad(mb(r.snapshot.unpackedBytes), 10)}${pad(String(c.iptablesLines), 11)} |${pad(s(r.floor.totalMs), 9)}${pad(mb(r.floor.maxRssBytes), 9)} |${pad(s(r.diagnose.totalMs), 10)}${pad(mb(r.diagnose.maxRssBytes), 9)} |${pad(`${ratio.toFixed(2)}×`, 7)}`,
    );
  }
  out.push("");
  // One row per stage (reader, model, each fact builder, rules engine, ranking, report), one column per size.
  const stages = Object.keys(rows[0]!.diagnose.stages);
  const byBytes = new Set(["read", "model"]);
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const bytes = [first.snapshot.unpackedBytes, last.snapshot.unpackedBytes] as const;
  const objs = [objects(first.snapshot), objects(last.snapshot)] as const;
  const scaling = rows.length >= 2;
  out.push(`${"diagnose stage".padEnd(18)}${rows.map((r) => pad(r.size, 10)).join("")}${scaling ? pad(`exp ${first.size}→${last.size}`, 11) : ""}`);
  for (const st of stages) {
    const ex = exponent(first.diagnose.stages[st] ?? 0, last.diagnose.stages[st] ?? 0, ...(byBytes.has(st) ? bytes : objs));
    out.push(`${st.padEnd(18)}${rows.map((r) => pad(s(r.diagnose.stages[st] ?? 0), 10)).join("")}${scaling ? pad(ex.toFixed(2), 11) : ""}`);
  }
  if (scaling) {
    out.push("");
    out.push(`scaling exponents ${first.size}→${last.size} (read and model vs unpacked bytes ×${(bytes[1] / bytes[0]).toFixed(0)}, other stages vs objects ×${(objs[1] / objs[0]).toFixed(0)}):`);
    out.push(`  floor ${exponent(first.floor.totalMs, last.floor.totalMs, ...bytes).toFixed(2)}, diagnose ${exponent(first.diagnose.totalMs, last.diagnose.totalMs, ...bytes).toFixed(2)} (target ≤ ${TARGETS.exponent})`);
  }
  out.push("");
  const verdicts: string[] = [];
  for (const r of rows) {
    if (r.size !== "S") verdicts.push(`${r.size} ratio ${(r.diagnose.totalMs / r.floor.totalMs).toFixed(2)}× ${r.diagnose.totalMs / r.floor.totalMs <= TARGETS.ratio ? "≤" : ">"} ${TARGETS.ratio}×`);
    if (r.size === "L") verdicts.push(`L peak RSS ${mb(r.diagnose.maxRssBytes)} ${r.diagnose.maxRssBytes <= TARGETS.rssBytes ? "≤" : ">"} 1500 MB`);
  }
  if (rows.length >= 2) {
    const ex = exponent(first.diagnose.totalMs, last.diagnose.totalMs, ...bytes);
    verdicts.push(`exponent ${first.size}→${last.size} ${ex.toFixed(2)} ${ex <= TARGETS.exponent ? "≤" : ">"} ${TARGETS.exponent}`);
  }
  if (verdicts.length) out.push(`targets: ${verdicts.join("; ")}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

/** Benchmarks of other layers (bench/netpol.ts, bench/iptables.ts), run as they are when present. */
async function layerBenchmarks(): Promise<void> {
  for (const script of ["netpol.ts", "iptables.ts"]) {
    if (!existsSync(join(BENCH_DIR, script))) continue;
    process.stdout.write(`\n== bench/${script}\n`);
    try {
      process.stdout.write(await node(script, []));
    } catch (e) {
      process.stdout.write(`bench/${script} failed: ${(e as Error).message.split("\n")[0]}\n`);
    }
  }
}

const args = process.argv.slice(2);
const seedAt = args.indexOf("--seed");
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const sizes = args.filter((a, i) => a in SIZES && (seedAt < 0 || i !== seedAt + 1)) as SizeName[];
const chosen = sizes.length > 0 ? sizes : (Object.keys(SIZES) as SizeName[]);
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");
process.stdout.write(`kube-netdiag bench: sizes ${chosen.join(" ")}, seed ${seed}, generator v${GENERATOR_VERSION}, snapshots in ${BENCH_OUT}\n`);
process.stdout.write(`machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, load average ${load()}\n`);
const rows: Row[] = [];
for (const size of chosen) {
  const snapshot = await snapshotFor(size, seed);
  const floor = await measure("floor", snapshot.path);
  const diagnose = await measure("diagnose", snapshot.path);
  rows.push({ size, snapshot, floor, diagnose });
  process.stdout.write(`${size}: floor ${s(floor.totalMs)} (${mb(floor.maxRssBytes)}), diagnose ${s(diagnose.totalMs)} (${mb(diagnose.maxRssBytes)}), ${diagnose.output.findings} findings\n`);
}
process.stdout.write(`load average at the end: ${load()}\n\n`);
printTable(rows);
await layerBenchmarks();
