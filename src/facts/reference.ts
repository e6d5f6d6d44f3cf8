/**
 * The fact reference (docs/facts.md), generated from the fact declarations so
 * it cannot drift: every fact with its subject kind, type, description,
 * example and the snapshot files it needs. A test fails when the committed
 * file is stale (regenerate with `npm run docs`).
 */
import { z } from "zod";
import type { FactDefinition } from "./types.js";

type JsonSchema = {
  type?: string | string[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

/** A TypeScript-like one-line type for a zod shape: `{ label: string, actual: string | null } | null`. */
export function typeText(shape: z.ZodType): string {
  return schemaText(z.toJSONSchema(shape, { unrepresentable: "any" }) as JsonSchema);
}

function schemaText(s: JsonSchema): string {
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(schemaText).join(" | ");
  if (Array.isArray(s.type)) return s.type.map((t) => schemaText({ ...s, type: t })).join(" | ");
  switch (s.type) {
    case "array":
      return `${wrap(schemaText(s.items ?? {}))}[]`;
    case "object": {
      const props = Object.entries(s.properties ?? {}).map(([k, v]) => `${k}${s.required?.includes(k) ? "" : "?"}: ${schemaText(v)}`);
      return props.length ? `{ ${props.join(", ")} }` : "object";
    }
    case "integer":
      return "number";
    case undefined:
      return "unknown";
    default:
      return s.type;
  }
}

function wrap(t: string): string {
  return t.includes(" ") && !t.startsWith("{") ? `(${t})` : t;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderFactReference(definitions: Iterable<FactDefinition>): string {
  const bySubject = new Map<string, FactDefinition[]>();
  for (const d of definitions) bySubject.set(d.subject, [...(bySubject.get(d.subject) ?? []), d]);
  const out: string[] = [
    "# Fact reference",
    "",
    "<!-- Generated from the fact declarations in src/facts/*.ts by `npm run docs`. Do not edit. -->",
    "",
    "Rules test facts by name (`{ \"fact\": \"service.readyEndpointCount\", \"operator\": \"lessThan\", \"value\": 2 }`).",
    "A rule's `given.kind` picks the subjects it runs on; it may only use facts of that subject kind.",
    "When a snapshot lacks a file a fact requires, rules using the fact are reported as skipped (coverage).",
    "The file of an optional API (Gateway API, Istio, CNI policy CRDs) is not lacking when manifest.json's `apis` says the cluster does not serve it: such rules then have no objects to run on.",
    "`a|b` means either file will do. See [writing-rules.md](writing-rules.md) for a tutorial.",
    "",
  ];
  for (const [subject, defs] of [...bySubject].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`## ${subject}`, "", "| fact | type | description | example | requires |", "|---|---|---|---|---|");
    for (const d of [...defs].sort((a, b) => a.name.localeCompare(b.name))) {
      out.push(`| \`${d.name}\` | \`${cell(typeText(d.shape))}\` | ${cell(d.description)} | \`${cell(JSON.stringify(d.example))}\` | ${d.requires.map((r) => `\`${r}\``).join(", ")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}
