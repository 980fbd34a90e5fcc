import { useEffect, useState } from 'react';
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { useFetch } from '../../../lib/api-context.tsx';
import { type FetchFn, requestJson } from '../../../lib/http.ts';

// Jaeger's v1 query API (`/api/traces/:id`), behind the dev server's `/jaeger` proxy. Only the fields the
// waterfall draws are checked; Jaeger sends many more.
const ReferenceSchema = Type.Object({ refType: Type.String(), spanID: Type.String() });
const TagSchema = Type.Object({ key: Type.String(), value: Type.Unknown() });

export const JaegerSpanSchema = Type.Object({
  spanID: Type.String(),
  operationName: Type.String(),
  /** Microseconds since the epoch. */
  startTime: Type.Number(),
  /** Microseconds. */
  duration: Type.Number(),
  references: Type.Optional(Type.Union([Type.Array(ReferenceSchema), Type.Null()])),
  processID: Type.String(),
  tags: Type.Optional(Type.Union([Type.Array(TagSchema), Type.Null()])),
});
export type JaegerSpan = Static<typeof JaegerSpanSchema>;

export const JaegerTraceSchema = Type.Object({
  traceID: Type.String(),
  spans: Type.Array(JaegerSpanSchema),
  processes: Type.Record(Type.String(), Type.Object({ serviceName: Type.String() })),
});
export type JaegerTrace = Static<typeof JaegerTraceSchema>;

const TracesResponseSchema = Type.Object({ data: Type.Array(JaegerTraceSchema) });
const tracesValidator = Compile(TracesResponseSchema);

export const TRACE_POLL_INTERVAL_MS = 2_000;
/** Spans reach Jaeger in batches, some seconds late; after this long the trace is taken as it is. */
export const TRACE_POLL_FOR_MS = 30_000;

/** Jaeger's "trace not found" 404 carries `errors`; the dev server's own 404 (no `/jaeger` proxy) has no body. */
function isJaegerNotFound(body: unknown): boolean {
  return typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors);
}

/** The trace, or undefined when Jaeger has none (yet) under that id: its spans may still be on their way. */
export async function getTrace(
  fetchFn: FetchFn,
  traceId: string,
  signal?: AbortSignal,
): Promise<JaegerTrace | undefined> {
  // A trace Jaeger has not received yet is no error for this page, unlike a missing trace viewer: both are
  // 404s, so Jaeger's is turned into an empty answer before requestJson sees it.
  const jaegerFetch: FetchFn = async (input, init) => {
    const response = await fetchFn(input, init);
    if (response.status !== 404) return response;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    return isJaegerNotFound(body)
      ? new Response(JSON.stringify({ data: [] }), { headers: { 'content-type': 'application/json' } })
      : response;
  };
  const body = await requestJson(jaegerFetch, `/jaeger/api/traces/${encodeURIComponent(traceId)}`, {
    signal,
    timeoutMs: 8_000,
    validate: tracesValidator,
  });
  return body.data[0];
}

export interface TraceState {
  trace?: JaegerTrace;
  /** No answer from a trace viewer: not started with tracing, or nothing behind the `/jaeger` proxy. */
  problem?: 'no-viewer';
  polling: boolean;
}

/** Spans whose CHILD_OF parent has not arrived: the trace is still coming in. */
function hasMissingParents(trace: JaegerTrace): boolean {
  const ids = new Set(trace.spans.map((span) => span.spanID));
  return trace.spans.some((span) =>
    span.references?.some((reference) => reference.refType === 'CHILD_OF' && !ids.has(reference.spanID)),
  );
}

/**
 * Fetches the trace every `intervalMs` while it looks incomplete (not there yet, a parent missing, or more spans
 * than last time), one request at a time, for at most `forMs`.
 */
export function useTrace(traceId: string, intervalMs = TRACE_POLL_INTERVAL_MS, forMs = TRACE_POLL_FOR_MS): TraceState {
  const fetchFn = useFetch();
  const [state, setState] = useState<TraceState>({ polling: true });

  useEffect(() => {
    const controller = new AbortController();
    const startedAt = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastCount: number | undefined;
    setState({ polling: true });

    const poll = async () => {
      try {
        const trace = await getTrace(fetchFn, traceId, controller.signal);
        if (controller.signal.aborted) return;
        const complete = trace !== undefined && !hasMissingParents(trace) && trace.spans.length === lastCount;
        lastCount = trace?.spans.length;
        const more = !complete && Date.now() - startedAt + intervalMs <= forMs;
        setState((previous) => ({ trace: trace ?? previous.trace, polling: more }));
        if (more) timer = setTimeout(poll, intervalMs);
      } catch {
        if (controller.signal.aborted) return;
        setState((previous) => ({ ...previous, problem: 'no-viewer', polling: false }));
      }
    };
    void poll();

    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [fetchFn, traceId, intervalMs, forMs]);

  return state;
}
