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
