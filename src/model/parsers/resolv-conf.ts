/**
 * /etc/resolv.conf, with glibc's semantics: `#` and `;` start comments,
 * `search` and `domain` override each other (the last one wins), options
 * accumulate, and `ndots` is capped at 15.
 */
import { type LineSource, type SkippedLines, linesOf, newSkipped, recordSkipped } from "./lines.js";

export interface ResolvConf {
  /** In file order; glibc uses only the first three (MAXNS). */
  nameservers: { address: string; line: number }[];
  /** Search list in effect (from the last `search` line, or the `domain` if that came last). */
  search: string[];
  domain?: string;
  options: {
    ndots?: number;
    timeout?: number;
    attempts?: number;
    /** Options without a value: rotate, edns0, single-request-reopen, use-vc… */
    flags: string[];
  };
  lineCount: number;
  skipped: SkippedLines;
}

/** glibc's RES_MAXNDOTS. */
const MAX_NDOTS = 15;
/** glibc's MAXNS: more nameservers are ignored by the resolver. */
export const MAX_NAMESERVERS = 3;

export function parseResolvConf(input: LineSource): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], options: { flags: [] }, lineCount: 0, skipped: newSkipped() };
  for (const raw of linesOf(input)) {
    const lineNo = ++conf.lineCount;
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const words = line.split(/\s+/);
    const keyword = words[0];
    const args = words.slice(1);
    switch (keyword) {
      case "nameserver":
        if (args[0]) conf.nameservers.push({ address: args[0], line: lineNo });
        else recordSkipped(conf.skipped, lineNo, raw);
        break;
      case "search":
        conf.search = args;
        delete conf.domain;
        break;
      case "domain":
        if (args[0]) {
          conf.domain = args[0];
          conf.search = [args[0]];
        }
        break;
      case "options":
        for (const option of args) applyOption(conf, option);
        break;
      case "sortlist":
        break;
      default:
        recordSkipped(conf.skipped, lineNo, raw);
    }
  }
  return conf;
}

function applyOption(conf: ResolvConf, option: string): void {
  const colon = option.indexOf(":");
  if (colon === -1) {
    if (!conf.options.flags.includes(option)) conf.options.flags.push(option);
    return;
  }
  const name = option.slice(0, colon);
  const value = Number(option.slice(colon + 1));
  if (!Number.isInteger(value) || value < 0) return;
  if (name === "ndots") conf.options.ndots = Math.min(value, MAX_NDOTS);
  else if (name === "timeout") conf.options.timeout = value;
  else if (name === "attempts") conf.options.attempts = value;
}
