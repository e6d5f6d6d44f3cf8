/**
 * A depth check to run on untrusted YAML before composing it. The yaml
 * library lexes and parses iteratively but composes documents (and converts
 * them to JS) recursively: a few hundred nested `[` or `- ` overflow the
 * stack, and in V8 a stack overflow that strikes inside a regular-expression
 * compilation can leave the process unable to run that expression again
 * (observed: a fatal out-of-memory on the next YAML file). kubectl output
 * nests about 15 levels (managedFields included), so a document nested
 * deeper than MAX_YAML_DEPTH is refused before the composer sees it.
 */
import { Parser } from "yaml";
import { lineAt } from "./json-error.js";

export const MAX_YAML_DEPTH = 100;

interface CstNode {
  type: string;
  offset: number;
  value?: CstNode;
  items?: { key?: CstNode | null; value?: CstNode | null }[];
}

/** "nested deeper than 100 levels at line 12" when the text nests too deeply, else undefined. */
export function yamlDepthProblem(src: string, limit = MAX_YAML_DEPTH): string | undefined {
  const stack: [CstNode, number][] = [];
  for (const token of new Parser().parse(src)) stack.push([token as CstNode, 0]);
  // Depth-first with an explicit stack, so that measuring depth cannot itself overflow.
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return `nested deeper than ${limit} levels at line ${lineAt(src, node.offset)}`;
    if (node.value) stack.push([node.value, depth + 1]);
    for (const item of node.items ?? []) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}
