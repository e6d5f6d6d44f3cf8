/**
 * Test input as kubectl prints it: multi-document YAML (`kubectl get -o yaml`
 * items or applied manifests), parsed with the same zod schemas the model
 * builder uses, so defaults and leniency are the real ones.
 */
import { parseAllDocuments } from "yaml";
import type { z } from "zod";

export function yamlDocs(src: string): Record<string, unknown>[] {
  return parseAllDocuments(src, { uniqueKeys: true })
    .map((d) => d.toJS({ maxAliasCount: 0 }) as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d != null);
}

/** The documents of one kind, parsed with its schema (a document that does not fit fails the test). */
export function ofKind<S extends z.ZodType>(docs: readonly Record<string, unknown>[], kind: string, schema: S): z.infer<S>[] {
  return docs.filter((d) => d.kind === kind).map((d) => schema.parse(d));
}
