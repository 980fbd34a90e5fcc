import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { useFetch } from '../../../lib/api-context.tsx';
import { type FetchFn, requestJson } from '../../../lib/http.ts';
import { everyUntilOff, type PollState, pollState } from './poll.ts';

// The local stack runner (`npm start`), not the Order Service: it starts and stops Order Processor instances.
// Under Kubernetes or a bare `npm run dev` there is no such endpoint and the page leaves scaling out.
export const ProcessorsSchema = Type.Object({
  instances: Type.Array(
    Type.Object({ name: Type.String(), port: Type.Integer(), pid: Type.Union([Type.Integer(), Type.Null()]) }),
  ),
  desired: Type.Integer({ minimum: 0 }),
});
export type Processors = Static<typeof ProcessorsSchema>;

const processorsValidator = Compile(ProcessorsSchema);

export const PROCESSORS_INTERVAL_MS = 3_000;

const PROCESSORS_KEY = ['stack', 'processors'] as const;

export function getProcessors(fetchFn: FetchFn, signal?: AbortSignal): Promise<Processors> {
  return requestJson(fetchFn, '/stack/processors', { signal, timeoutMs: 5_000, validate: processorsValidator });
}

export function setProcessorCount(fetchFn: FetchFn, count: number): Promise<Processors> {
  // Starting a processor takes a moment: the runner answers once it has been spawned.
  return requestJson(fetchFn, '/stack/processors', {
    method: 'PUT',
    body: { count },
    timeoutMs: 30_000,
    validate: processorsValidator,
  });
}

export function getProcessorsQueryOptions(fetchFn: FetchFn, intervalMs = PROCESSORS_INTERVAL_MS) {
  return queryOptions({
    queryKey: PROCESSORS_KEY,
    queryFn: ({ signal }) => getProcessors(fetchFn, signal),
    refetchInterval: everyUntilOff(intervalMs),
  });
}

/** Polled too, so a `npm run scale -- N` from a terminal shows up here. */
export function useProcessors(intervalMs = PROCESSORS_INTERVAL_MS): PollState<Processors> {
  const fetchFn = useFetch();
  return pollState(useQuery(getProcessorsQueryOptions(fetchFn, intervalMs)));
}

/** Asks the runner for `count` instances; its answer shows at once, without waiting for the next poll. */
export function useSetProcessorCount() {
  const fetchFn = useFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (count: number) => setProcessorCount(fetchFn, count),
    onSuccess: (processors) => {
      queryClient.setQueryData(PROCESSORS_KEY, processors);
    },
  });
}

// The fault lab's verdict (dev/src/lab/verdict.ts): did the pipeline lose anything since `npm start` began?
const ProblemSchema = Type.Object({ orderNumber: Type.String(), reason: Type.String() });
export const VerdictSchema = Type.Object({
  since: Type.String(),
  accepted: Type.Integer({ minimum: 0 }),
  waitingInOutbox: Type.Integer({ minimum: 0 }),
  waitingOnTopic: Type.Integer({ minimum: 0 }),
  byStatus: Type.Object({
    pending: Type.Integer(),
    processing: Type.Integer(),
    confirmed: Type.Integer(),
    shipped: Type.Integer(),
  }),
  lost: Type.Array(ProblemSchema),
  outOfOrder: Type.Array(ProblemSchema),
  deadLettered: Type.Integer({ minimum: 0 }),
  duplicatesOnTopic: Type.Integer({ minimum: 0 }),
  slowestMs: Type.Union([Type.Number(), Type.Null()]),
  green: Type.Boolean(),
  sentence: Type.String(),
  flow: Type.Object({
    from: Type.Number(),
    accepted: Type.Array(Type.Integer({ minimum: 0 })),
    shipped: Type.Array(Type.Integer({ minimum: 0 })),
    lag: Type.Array(Type.Object({ at: Type.Number(), records: Type.Integer({ minimum: 0 }) })),
  }),
});
export type Verdict = Static<typeof VerdictSchema>;

const verdictValidator = Compile(VerdictSchema);

export const VERDICT_INTERVAL_MS = 3_000;

export function getVerdict(fetchFn: FetchFn, signal?: AbortSignal): Promise<Verdict> {
  return requestJson(fetchFn, '/stack/verdict', { signal, timeoutMs: 10_000, validate: verdictValidator });
}

export function useVerdict(intervalMs = VERDICT_INTERVAL_MS): PollState<Verdict> {
  const fetchFn = useFetch();
  return pollState(
    useQuery({
      queryKey: ['stack', 'verdict'],
      queryFn: ({ signal }) => getVerdict(fetchFn, signal),
      refetchInterval: everyUntilOff(intervalMs),
    }),
  );
}

// The fault lab's load generator and faults (dev/src/lab/), on the runner's control API.
export const LoadStateSchema = Type.Object({
  running: Type.Boolean(),
  rate: Type.Number(),
  accepted: Type.Integer(),
  refused: Type.Integer(),
  acceptedPerSecond: Type.Integer(),
  refusedPerSecond: Type.Integer(),
});
export type LoadState = Static<typeof LoadStateSchema>;
const loadValidator = Compile(LoadStateSchema);
const LOAD_KEY = ['stack', 'load'] as const;

export function useLoad(intervalMs = 1_000): PollState<LoadState> {
  const fetchFn = useFetch();
  return pollState(
    useQuery({
      queryKey: LOAD_KEY,
      queryFn: ({ signal }) =>
        requestJson(fetchFn, '/stack/load', { signal, timeoutMs: 5_000, validate: loadValidator }),
      refetchInterval: everyUntilOff(intervalMs),
    }),
  );
}

/** A rate starts (or re-rates) the load; null stops it. */
export function useSetLoad() {
  const fetchFn = useFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (rate: number | null) =>
      requestJson(fetchFn, '/stack/load', {
        method: rate === null ? 'DELETE' : 'PUT',
        ...(rate === null ? {} : { body: { rate } }),
        timeoutMs: 10_000,
        validate: loadValidator,
      }),
    onSuccess: (state) => queryClient.setQueryData(LOAD_KEY, state),
  });
}

const TimelineEntrySchema = Type.Object({
  fault: Type.String(),
  target: Type.String(),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
});
export const FaultsSchema = Type.Object({
  faults: Type.Array(
    Type.Object({ name: Type.String(), what: Type.String(), lasting: Type.Boolean(), active: Type.Boolean() }),
  ),
  timeline: Type.Array(TimelineEntrySchema),
});
export type Faults = Static<typeof FaultsSchema>;
const faultsValidator = Compile(FaultsSchema);
const entryValidator = Compile(TimelineEntrySchema);
const FAULTS_KEY = ['stack', 'faults'] as const;

export function useFaults(intervalMs = 2_000): PollState<Faults> {
  const fetchFn = useFetch();
  return pollState(
    useQuery({
      queryKey: FAULTS_KEY,
      queryFn: ({ signal }) =>
        requestJson(fetchFn, '/stack/faults', { signal, timeoutMs: 5_000, validate: faultsValidator }),
      refetchInterval: everyUntilOff(intervalMs),
    }),
  );
}

/** Starts a fault (`seconds`: it ends by itself; `latencyMs`: slow-internal-api's delay) or ends a lasting one. */
export function useFaultAction() {
  const fetchFn = useFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      name,
      end,
      seconds,
      latencyMs,
    }: {
      name: string;
      end?: boolean;
      seconds?: number;
      latencyMs?: number;
    }) =>
      requestJson(fetchFn, `/stack/faults/${encodeURIComponent(name)}`, {
        method: end ? 'DELETE' : 'POST',
        ...(end ? {} : { body: { seconds, latencyMs } }),
        timeoutMs: 15_000,
        validate: entryValidator,
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: FAULTS_KEY }),
  });
}
