/**
 * A pointer into the snapshot that backs a claim: a file plus either a JSON path
 * (for resources/*.json) or a 1-based line number (for logs and node files).
 */
export interface Evidence {
  file: string;
  path?: string;
  line?: number;
  excerpt: string;
}

/** Identifies a Kubernetes object (or a synthetic subject such as the Cluster). */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export function refKey(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

export function formatRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** Longest excerpt we copy into a report: enough to recognise the line, never a whole object. */
export const MAX_EXCERPT = 240;

export function clip(text: string, max = MAX_EXCERPT): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
