/** zod shapes shared by fact declarations. */
import { z } from "zod";

export const ObjectRefShape = z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string() });
export const ObjectRefList = z.array(ObjectRefShape);
export const StringList = z.array(z.string());
