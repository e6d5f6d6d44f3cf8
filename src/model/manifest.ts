/**
 * manifest.json, read leniently: a snapshot comes from a stranger's cluster
 * (or a hand-written manifest), so every field is checked on its own and a
 * field of the wrong type is dropped with a warning instead of reaching code
 * that trusts its type. Unknown fields are ignored.
 */
import { z } from "zod";
import { describeJsonError } from "./json-error.js";
import type { Manifest } from "./model.js";

const Step = z.object({ step: z.string(), message: z.string() });
const Unavailable = z.object({ step: z.string(), reason: z.string() });

const FIELDS = {
  format: z.string(),
  collectedAt: z.string(),
  collector: z.object({ name: z.string().optional(), version: z.string().optional() }),
  cluster: z.object({ context: z.string().optional(), serverVersion: z.string().optional() }),
  scope: z.looseObject({ namespaces: z.unknown().optional(), nodeData: z.string().optional() }),
  redactions: z.array(z.string()),
  apis: z.object({ checked: z.array(z.string()), served: z.array(z.string()) }),
} satisfies Partial<Record<keyof Manifest, z.ZodType>>;

/** Lists whose bad entries are dropped one by one, keeping the good ones. */
/** zod's message without its generic prefix: "expected string, received number". */
function why(error: z.ZodError): string {
  return error.issues[0]!.message.replace(/^Invalid input: /, "");
}

const LISTS = { errors: Step, unavailable: Unavailable } satisfies Partial<Record<keyof Manifest, z.ZodType>>;

export function parseManifest(src: string | undefined, warnings: string[]): Manifest | undefined {
  if (src === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(src);
  } catch (e) {
    warnings.push(`manifest.json: ${describeJsonError(src, e)}, ignored`);
    return undefined;
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    warnings.push("manifest.json: not a JSON object, ignored");
    return undefined;
  }
  const input = raw as Record<string, unknown>;
  const manifest: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(FIELDS)) {
    if (input[field] === undefined || input[field] === null) continue;
    const r = schema.safeParse(input[field]);
    if (r.success) manifest[field] = r.data;
    else warnings.push(`manifest.json: ${field} ignored: ${why(r.error)}`);
  }
  for (const [field, schema] of Object.entries(LISTS)) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      warnings.push(`manifest.json: ${field} ignored: expected a list`);
      continue;
    }
    const kept = value.flatMap((item, i) => {
      const r = schema.safeParse(item);
      if (r.success) return [r.data];
      warnings.push(`manifest.json: ${field}[${i}] ignored: ${why(r.error)}`);
      return [];
    });
    manifest[field] = kept;
  }
  return manifest as Manifest;
}
