/**
 * One measurement, in its own process so that peak RSS belongs to it alone.
 * Prints one JSON line: wall time per stage (ms), total, and peak RSS (bytes).
 *
 *   node --import tsx bench/measure.ts floor|diagnose <snapshot>
 *
 * floor: what any tool must do with the snapshot and nothing more — gunzip,
 * read the tar, JSON.parse every resource, split every text file into lines.
 * diagnose: the real pipeline, stage by stage, down to the rendered report.
 */
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { applyGcPolicy } from "../src/cli/gc-policy.js";
import { diagnoseModel } from "../src/diagnose.js";
import { FACT_BUILDERS } from "../src/facts/index.js";
import type { FactBuilder } from "../src/facts/types.js";
import { buildModel, requireSnapshotContent } from "../src/model/build.js";
import { iptablesCompactor } from "../src/model/parsers/iptables-shared.js";
import { FORMATTERS } from "../src/report/formatters/index.js";
import { loadRuleSet } from "../src/rules/loader.js";
import { readSnapshot } from "../src/snapshot/reader.js";
import { DEFAULT_LIMITS, type ReadLimits } from "../src/snapshot/types.js";

/** L unpacks to ~3 GiB, past the default 2 GiB limit (what `--max-snapshot-mb 8192` does on the CLI). */
const BENCH_LIMITS: ReadLimits = { ...DEFAULT_LIMITS, maxTotalBytes: 8 * 1024 ** 3 };

export interface Measurement {
  mode: "floor" | "diagnose";
  totalMs: number;
  stages: Record<string, number>;
  maxRssBytes: number;
  /** What was produced, so a run that read nothing cannot pass for a fast one. */
  output: Record<string, number>;
}

function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

async function floor(path: string): Promise<Measurement> {
  const started = performance.now();
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const reading = pipeline(createReadStream(path), createGunzip(), extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
    files.set(entry.header.name, Buffer.concat(chunks));
  }
  await reading;
  const read = performance.now();
  const parsed: unknown[] = [];
  const lines: string[][] = [];
  for (const [name, buf] of files) {
    if (/\/resources\/[^/]+\.json$/.test(name)) parsed.push(JSON.parse(buf.toString("utf8")));
    else if (/\/(logs|nodes|probes)\//.test(name)) lines.push(buf.toString("utf8").split("\n"));
  }
  const done = performance.now();
  return {
    mode: "floor",
    totalMs: done - started,
    stages: { read: read - started, parse: done - read },
    maxRssBytes: peakRss(),
    output: { files: files.size, resourceFiles: parsed.length, textLines: lines.reduce((n, l) => n + l.length, 0) },
  };
}

/** When each stage ran: garbage collections are charged to a stage of their own, not to the one they interrupted. */
class StageClock {
  readonly stages: Record<string, number> = {};
  private readonly spans: { stage: string; from: number; to: number }[] = [];
  private readonly collections: { start: number; duration: number }[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.collections.push({ start: e.startTime, duration: e.duration });
  });

  constructor() {
    this.observer.observe({ entryTypes: ["gc"] });
  }

  record(stage: string, from: number, to: number): void {
    this.stages[stage] = (this.stages[stage] ?? 0) + to - from;
    this.spans.push({ stage, from, to });
  }

  /**
   * Stage times without the collections that happened during them, and
   * those as `gc`: where a full collection lands is chance, and a sub-second
   * stage it lands in looks much slower than it is.
   */
  async settle(): Promise<Record<string, number>> {
    // GC entries are delivered after the synchronous work they interrupted.
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.observer.disconnect();
    const stages: Record<string, number> = { ...this.stages, gc: 0 };
    for (const c of this.collections) {
      const span = this.spans.find((s) => c.start >= s.from && c.start < s.to);
      if (!span) continue;
      stages[span.stage] = stages[span.stage]! - c.duration;
      stages["gc"] = stages["gc"]! + c.duration;
    }
    return stages;
  }
}

/** Each builder timed on its own, as `facts:<layer>`. */
function timedBuilders(clock: StageClock): FactBuilder[] {
  return FACT_BUILDERS.map((b) => ({
    ...b,
    build(model) {
      const t0 = performance.now();
      const out = [...b.build(model)];
      clock.record(`facts:${b.layer}`, t0, performance.now());
      return out;
    },
  }));
}

async function diagnose(path: string): Promise<Measurement> {
  applyGcPolicy();
  const rules = (await loadRuleSet()).rules;
  const clock = new StageClock();
  let mark = performance.now();
  const started = mark;
  const lap = (name: string) => {
    const now = performance.now();
    clock.record(name, mark, now);
    mark = now;
  };
  // As loadModel does (src/diagnose.ts), timed apart; the raw snapshot is not kept once the model is built.
  const model = await (async () => {
    const snapshot = await readSnapshot(path, BENCH_LIMITS, { compactor: iptablesCompactor() });
    requireSnapshotContent(snapshot);
    lap("read");
    return buildModel(snapshot);
  })();
  lap("model");
  // The stage callback names the stage starting; the one before it ends there.
  const ending: Record<string, string> = { ranking: "rules", "building the report": "ranking" };
  const report = await diagnoseModel(model, rules, {
    factBuilders: timedBuilders(clock),
    onStage: (stage) => {
      if (stage.startsWith("running")) {
        // The facts' time is in the builders' own stages.
        mark = performance.now();
        return;
      }
      const closing = ending[stage];
      if (closing) lap(closing);
      else mark = performance.now();
    },
  });
  lap("report");
  const rendered = FORMATTERS.text(report, { color: false, verbose: false }) + FORMATTERS.json(report, { color: false, verbose: false });
  lap("format");
  const totalMs = performance.now() - started;
  return {
    mode: "diagnose",
    totalMs,
    stages: await clock.settle(),
    maxRssBytes: peakRss(),
    output: { findings: report.findings.length, warnings: report.warnings.length, rulesRun: report.coverage.rulesRun, reportBytes: rendered.length, pods: report.coverage.checked.pods ?? 0 },
  };
}

const [mode, path] = process.argv.slice(2);
if (!path || (mode !== "floor" && mode !== "diagnose")) {
  process.stderr.write("usage: measure.ts floor|diagnose <snapshot>\n");
  process.exit(2);
}
const result = mode === "floor" ? await floor(path) : await diagnose(path);
process.stdout.write(`${JSON.stringify(result)}\n`);
