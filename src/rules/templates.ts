/**
 * Rule message templates. Rules may come from users, so templates run in an
 * isolated Handlebars environment: only the pure helpers below, no partials or
 * decorators (rejected by the schema), no prototype access (Handlebars' default,
 * never relaxed), and a plain-JSON context.
 */
import Handlebars from "handlebars";
import { formatRef, type ObjectRef } from "../types/evidence.js";

const hb = Handlebars.create();
// `lookup` reaches arbitrary properties by computed name and `log` writes to the console: neither belongs in a message.
hb.unregisterHelper("lookup");
hb.unregisterHelper("log");

function isRef(v: unknown): v is ObjectRef {
  return !!v && typeof v === "object" && typeof (v as ObjectRef).kind === "string" && typeof (v as ObjectRef).name === "string";
}

function show(v: unknown): string {
  if (isRef(v)) return formatRef(v);
  if (v && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const MAX_LISTED = 5;

const HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  /** {{join list ", "}} — lists at most 5 items, then "and N more". */
  join: (list, sep) => {
    if (!Array.isArray(list)) return show(list ?? "");
    const s = typeof sep === "string" ? sep : ", ";
    const head = list.slice(0, MAX_LISTED).map(show).join(s);
    return list.length > MAX_LISTED ? `${head}${s}and ${list.length - MAX_LISTED} more` : head;
  },
  /** {{ref subject}} — "Service shop/web". */
  ref: (v) => (isRef(v) ? formatRef(v) : show(v)),
  count: (list) => (Array.isArray(list) ? list.length : 0),
  /** {{plural n "pod"}} — "1 pod", "3 pods". */
  plural: (n, word) => `${String(n)} ${String(word)}${n === 1 ? "" : "s"}`,
  first: (list) => (Array.isArray(list) ? list[0] : undefined),
  /** {{#if (eq a b)}} */
  eq: (a, b) => a === b,
  /** {{pluck list "name"}} — one field of each object in a list. */
  pluck: (list, key) => (Array.isArray(list) && typeof key === "string" ? list.map((o) => (o && typeof o === "object" && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined)) : []),
};
for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);

const KNOWN_HELPERS = Object.fromEntries(Object.keys(HELPERS).map((h) => [h, true]));

export type Template = (context: object) => string;

/**
 * Parse now (Handlebars compiles lazily, so syntax errors would only appear at
 * the first render) and return a render function. Throws with the parser's message.
 */
export function compileTemplate(source: string, strict = false): Template {
  hb.parse(source);
  const render = hb.compile(source, { noEscape: true, strict, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true });
  return (context) => render(JSON.parse(JSON.stringify(context)) as object);
}

/** Builds `{ subject, service: { readyPodCount: … }, … }` from dotted fact names. */
export function templateContext(subject: ObjectRef, values: Record<string, unknown>): Record<string, unknown> {
  const ctx: Record<string, Record<string, unknown> | unknown> = { subject: { ...subject, ref: subject.namespace ? `${subject.namespace}/${subject.name}` : subject.name } };
  for (const [name, value] of Object.entries(values)) {
    const dot = name.indexOf(".");
    const layer = name.slice(0, dot);
    const key = name.slice(dot + 1);
    const bucket = (ctx[layer] ??= {}) as Record<string, unknown>;
    bucket[key] = value;
  }
  return ctx;
}
