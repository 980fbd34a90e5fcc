import type { JaegerSpan, JaegerTrace } from './api/get-trace.ts';

export interface WaterfallRow {
  span: JaegerSpan;
  service: string;
  /** 0 for a root; a child of a CHILD_OF parent one deeper. */
  depth: number;
  /** Where the bar starts and how wide it is, as fractions (0…1) of the whole trace. */
  offset: number;
  width: number;
  /** Operations of the spans this one FOLLOWS_FROM (span links: a Kafka consumer back to its producer). */
  linkedTo: string[];
  error: boolean;
}

export interface Waterfall {
  rows: WaterfallRow[];
  durationUs: number;
  /** Spans whose CHILD_OF parent is not in the trace yet: a sign that more spans are on their way. */
  missingParents: number;
}

function parentOf(span: JaegerSpan, ids: ReadonlySet<string>): string | undefined {
  return span.references?.find((reference) => reference.refType === 'CHILD_OF' && ids.has(reference.spanID))?.spanID;
}

function isError(span: JaegerSpan): boolean {
  return (span.tags ?? []).some(
    (tag) => (tag.key === 'error' && tag.value === true) || (tag.key === 'otel.status_code' && tag.value === 'ERROR'),
  );
}

const byStart = (a: JaegerSpan, b: JaegerSpan) => a.startTime - b.startTime || a.spanID.localeCompare(b.spanID);

/** The spans in tree order (each parent before its children, siblings by start time), indented by depth. */
export function buildWaterfall(trace: JaegerTrace): Waterfall {
  const spans = [...trace.spans].sort(byStart);
  const byId = new Map(spans.map((span) => [span.spanID, span]));
  const ids = new Set(byId.keys());
  const children = new Map<string, JaegerSpan[]>();
  const roots: JaegerSpan[] = [];
  let missingParents = 0;
  for (const span of spans) {
    const parent = parentOf(span, ids);
    if (parent === undefined) {
      if (span.references?.some((reference) => reference.refType === 'CHILD_OF')) missingParents += 1;
      roots.push(span);
    } else {
      children.set(parent, [...(children.get(parent) ?? []), span]);
    }
  }

  const start = Math.min(...spans.map((span) => span.startTime));
  const end = Math.max(...spans.map((span) => span.startTime + span.duration));
  const durationUs = spans.length === 0 ? 0 : Math.max(end - start, 1);

  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const visit = (span: JaegerSpan, depth: number) => {
    // A malformed trace can reference in a circle; each span is drawn once.
    if (seen.has(span.spanID)) return;
    seen.add(span.spanID);
    rows.push({
      span,
      depth,
      service: trace.processes[span.processID]?.serviceName ?? span.processID,
      offset: durationUs === 0 ? 0 : (span.startTime - start) / durationUs,
      width: durationUs === 0 ? 0 : span.duration / durationUs,
      linkedTo: (span.references ?? [])
        .filter((reference) => reference.refType === 'FOLLOWS_FROM')
        .map((reference) => byId.get(reference.spanID)?.operationName ?? `span ${reference.spanID.slice(0, 8)}`),
      error: isError(span),
    });
    for (const child of children.get(span.spanID) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  for (const span of spans) visit(span, 0);

  return { rows, durationUs, missingParents };
}

export function formatMs(us: number): string {
  return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
}
