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
import { diagnoseModel } from "../src/diagnose.js";
import { buildModel, requireSnapshotContent } from "../src/model/build.js";
import { FORMATTERS } from "../src/report/formatters/index.js";
import { loadRuleSet } from "../src/rules/loader.js";
import { readSnapshot } from "../src/snapshot/reader.js";

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

async function diagnose(path: string): Promise<Measurement> {
  const rules = (await loadRuleSet()).rules;
  const stages: Record<string, number> = {};
  let mark = performance.now();
  const started = mark;
  const lap = (name: string) => {
    const now = performance.now();
    stages[name] = (stages[name] ?? 0) + now - mark;
    mark = now;
  };
  const snapshot = await readSnapshot(path);
  requireSnapshotContent(snapshot);
  lap("read");
  const model = buildModel(snapshot);
  lap("model");
  const names: Record<string, string> = { "computing facts": "", ranking: "rules" };
  const report = await diagnoseModel(model, rules, {
    onStage: (stage) => {
      // Each stage callback closes the previous stage.
      const closing = stage.startsWith("running") ? "facts" : names[stage];
      if (closing) lap(closing);
      else mark = performance.now();
    },
  });
  lap("rank+report");
  const rendered = FORMATTERS.text(report, { color: false, verbose: false }) + FORMATTERS.json(report, { color: false, verbose: false });
  lap("format");
  return {
    mode: "diagnose",
    totalMs: performance.now() - started,
    stages,
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
