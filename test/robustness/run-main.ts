/** Runs the real CLI entry (`main`) in-process, capturing what it writes, as a user's terminal would see it. */
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

type Write = typeof process.stdout.write;

export async function runMain(args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as Write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as Write;
  const started = performance.now();
  let code: number;
  try {
    code = await main(args);
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return { code, stdout: out.join(""), stderr: err.join(""), ms: performance.now() - started };
}

/** What every failure must look like (SPEC §3): exit 2, one line starting "diagnose: ", no stack trace. */
export function isCleanRefusal(r: CliRun): boolean {
  return r.code === 2 && /^diagnose: [^\n]+\n$/.test(r.stderr) && !r.stderr.includes("internal error") && r.stdout === "";
}

export const STACK_TRACE = /\n\s+at .+[:(]\d+|Error: .*\n\s+at /;
