/** A small argv parser: flags with values, repeatable flags, booleans, positionals. */

export class UsageError extends Error {
  override name = "UsageError";
}

export interface FlagSpec {
  /** Takes a value (`--format json` or `--format=json`). */
  value?: boolean;
  repeatable?: boolean;
  alias?: string;
}

export interface Parsed {
  positionals: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): Parsed {
  const aliases = new Map(Object.entries(spec).filter(([, s]) => s.alias).map(([name, s]) => [s.alias!, name]));
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const raw = eq > 0 ? arg.slice(0, eq) : arg;
    const name = aliases.get(raw) ?? raw.replace(/^--?/, "");
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option ${raw} (see diagnose --help)`);
    let value = "true";
    if (s.value) {
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i]!;
      else throw new UsageError(`option ${raw} needs a value`);
    } else if (eq > 0) throw new UsageError(`option ${raw} takes no value`);
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !s.repeatable) throw new UsageError(`option ${raw} given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return { positionals, flags };
}

export function one(p: Parsed, name: string): string | undefined {
  return p.flags.get(name)?.[0];
}

export function all(p: Parsed, name: string): string[] {
  return p.flags.get(name) ?? [];
}

export function bool(p: Parsed, name: string): boolean {
  return p.flags.has(name);
}
