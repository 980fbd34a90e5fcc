import { queryOptions, useQuery } from '@tanstack/react-query';
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

/** One poll's outcome, which the next one compares with. */
interface TracePoll {
  /** The latest trace Jaeger had: kept when it answers "not found" again. */
  trace?: JaegerTrace;
  /** The spans in this answer; none while Jaeger has no such trace. */
  spans?: number;
  firstAskedAt: number;
  /** Ask again: the trace looks incomplete and there is time left. */
  more: boolean;
}

/** Any failure means no trace viewer: asking again will not find one. */
function pollsAgain(poll: TracePoll | undefined, error: Error | null): boolean {
  return !error && (poll?.more ?? true);
}

/**
 * Asks every `intervalMs` while the trace looks incomplete (not there yet, a parent missing, or more spans than
 * last time), one request at a time, for at most `forMs` from the first request. No cache once the page is left,
 * so each visit waits for late spans again.
 */
export function getTraceQueryOptions(fetchFn: FetchFn, traceId: string, intervalMs: number, forMs: number) {
  return queryOptions({
    queryKey: ['trace', traceId],
    queryFn: async ({ signal, client, queryKey }): Promise<TracePoll> => {
      const previous = client.getQueryData<TracePoll>(queryKey);
      const firstAskedAt = previous?.firstAskedAt ?? Date.now();
      const trace = await getTrace(fetchFn, traceId, signal);
      const complete = trace !== undefined && !hasMissingParents(trace) && trace.spans.length === previous?.spans;
      return {
        trace: trace ?? previous?.trace,
        spans: trace?.spans.length,
        firstAskedAt,
        more: !complete && Date.now() - firstAskedAt + intervalMs <= forMs,
      };
    },
    refetchInterval: (query) => (pollsAgain(query.state.data, query.state.error) ? intervalMs : false),
    gcTime: 0,
  });
}

/** The trace, fetched again until it looks complete or `forMs` have passed. */
export function useTrace(traceId: string, intervalMs = TRACE_POLL_INTERVAL_MS, forMs = TRACE_POLL_FOR_MS): TraceState {
  const fetchFn = useFetch();
  const { data, error } = useQuery(getTraceQueryOptions(fetchFn, traceId, intervalMs, forMs));
  return {
    trace: data?.trace,
    problem: error ? 'no-viewer' : undefined,
    polling: pollsAgain(data, error),
  };
}
