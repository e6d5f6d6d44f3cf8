/** Small helpers that keep fact declarations short and uniform across layers. */
import type { z } from "zod";
import type { FactDefinition, SubjectKind } from "./types.js";

interface FactSpec {
  description: string;
  shape: z.ZodType;
  example: unknown;
  /** Overrides the group's default requirements. */
  requires?: string[];
}

/** Declares the facts of one layer for one subject kind: `service.<name>` etc. */
export function declareFacts(layer: string, subject: SubjectKind, requires: string[], specs: Record<string, FactSpec>): FactDefinition[] {
  return Object.entries(specs).map(([name, s]) => ({
    name: `${layer}.${name}`,
    subject,
    description: s.description,
    shape: s.shape,
    example: s.example,
    requires: s.requires ?? requires,
  }));
}
