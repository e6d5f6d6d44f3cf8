/**
 * The rule file format: one rule per JSON file under `rules/<layer>/<id>.json`.
 * `given` says which subjects a rule applies to (a subject kind and optional
 * applicability conditions); `then` holds the conditions that make it a
 * finding. Conditions are json-rules-engine's (`all`/`any`/`not` of
 * `{ fact, operator, value, path? }`), restricted to dotted paths.
 * The JSON Schema in rules/rule.schema.json is generated from this file.
 */
import { z } from "zod";
import { LAYERS, SEVERITIES } from "../types/finding.js";
import { SUBJECT_KINDS } from "../facts/types.js";

const FACT_NAME = /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/;
/** Dotted property paths only (`$.a.b`, `a.b[0]`): jsonpath filters and script expressions can run code. */
const SAFE_PATH = /^\$?(\.?[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*$/;

export const OPERATORS = [
  "equal", "notEqual", "lessThan", "lessThanInclusive", "greaterThan", "greaterThanInclusive",
  "in", "notIn", "contains", "doesNotContain",
  // custom operators registered by src/rules/operators.ts
  "isEmpty", "isNotEmpty", "hasAny", "lengthAtLeast", "lengthLessThan", "startsWith",
] as const;

const FactComparison = z.strictObject({
  fact: z.string().regex(FACT_NAME, "fact names are <layer>.<camelCaseName>"),
  path: z.string().regex(SAFE_PATH, "only dotted paths are allowed (no jsonpath filters)").optional(),
});

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | {
      fact: string;
      operator: (typeof OPERATORS)[number];
      value: unknown;
      path?: string;
    };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
    FactComparison.extend({
      operator: z.enum(OPERATORS),
      value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean()])), FactComparison]),
    }),
  ]),
);

const Template = z.string().min(1).refine((s) => !s.includes("{{>") && !s.includes("{{*") && !s.includes("{{#>"), {
  message: "partials and decorators are not allowed in rule templates",
});

export const RuleSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "rule ids are kebab-case"),
  /** Catalog id (CATALOG.md), e.g. `service.selector-mismatch`; custom rules may use their own. */
  cause: z.string().regex(/^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$/, "causes are <layer>.<kebab-name>"),
  layer: z.enum(LAYERS),
  severity: z.enum(SEVERITIES),
  /** How sure a match makes us that this is the cause (0..1). */
  confidence: z.number().min(0).max(1),
  /** Best-practice findings: never ranked above a fault. */
  advice: z.boolean().default(false),
  title: z.string().min(1),
  description: z.string().min(1),
  given: z.strictObject({
    kind: z.enum(SUBJECT_KINDS),
    where: ConditionSchema.optional(),
  }),
  then: ConditionSchema,
  /** Handlebars template rendered with `{ subject, <layer>: { <fact>: value } }`. */
  message: Template,
  remediation: z.array(Template).min(1),
  /** kubectl commands that confirm the finding (templates). */
  verify: z.array(Template).min(1),
  /** Causes this one is the root of: symptom findings of these causes sharing an object are attached under it. `layer.*` allowed. */
  explains: z.array(z.string().regex(/^[a-z]+\.(?:\*|[a-z0-9]+(?:-[a-z0-9]+)*)$/)).default([]),
  /** `related` (default): only symptoms sharing a subject; `cluster`: any symptom of an explained cause. */
  explainsScope: z.enum(["related", "cluster"]).default("related"),
  /** Extra facts (beyond those in conditions) whose evidence the finding cites. */
  evidence: z.array(z.string().regex(FACT_NAME)).default([]),
  /** Facts holding ObjectRef or ObjectRef[] to list among the finding's subjects. */
  objects: z.array(z.string().regex(FACT_NAME)).default([]),
  /** A numeric fact: how many objects this cause affects (raises the score). */
  impact: z.string().regex(FACT_NAME).optional(),
  /** Facts copied into the finding's `data` (for JSON consumers and tests). */
  data: z.array(z.string().regex(FACT_NAME)).default([]),
  /** Raise (or lower) confidence when extra conditions also hold, e.g. clients logging `connection refused`. */
  confidenceWhen: z.array(z.strictObject({ when: ConditionSchema, confidence: z.number().min(0).max(1) })).default([]),
  /** Set false in a custom rule with a built-in's id to switch that built-in off. */
  enabled: z.boolean().default(true),
});

export type Rule = z.infer<typeof RuleSchema>;

/** `{ "id": "…", "enabled": false }` alone switches a built-in rule off. */
export const DisableRuleSchema = z.strictObject({ $schema: z.string().optional(), id: RuleSchema.shape.id, enabled: z.literal(false) });
export type RuleInput = z.input<typeof RuleSchema>;
