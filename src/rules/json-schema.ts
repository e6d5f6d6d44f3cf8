/** rules/rule.schema.json, generated from the zod rule schema so editors validate and complete rule files. */
import { z } from "zod";
import { RuleSchema } from "./schema.js";

export function ruleJsonSchema(): string {
  const schema = z.toJSONSchema(RuleSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return `${JSON.stringify({ $id: "https://kube-netdiag.dev/rule.schema.json", title: "kube-netdiag rule", ...schema }, null, 2)}\n`;
}
