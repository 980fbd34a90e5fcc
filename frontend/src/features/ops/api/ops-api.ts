import {
  type OpsDeadLetter,
  OpsDeadLettersSchema,
  OpsReplaySchema,
  OpsRepublishedSchema,
  type OpsSnapshot,
  OpsSnapshotSchema,
} from '@metalmart/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { useFetch } from '../../../lib/api-context.tsx';
import { type FetchFn, requestJson } from '../../../lib/http.ts';
import { everyUntilOff, type PollState, pollState } from './poll.ts';

const snapshotValidator = Compile(OpsSnapshotSchema);
const deadLettersValidator = Compile(OpsDeadLettersSchema);
const replayValidator = Compile(OpsReplaySchema);
const republishedValidator = Compile(OpsRepublishedSchema);

export const SNAPSHOT_INTERVAL_MS = 1_000;
export const DEAD_LETTERS_INTERVAL_MS = 3_000;

const DEAD_LETTERS_KEY = ['ops', 'dead-letters'] as const;

export type OpsReplay = Static<typeof OpsReplaySchema>;

export function getOpsSnapshot(fetchFn: FetchFn, signal?: AbortSignal): Promise<OpsSnapshot> {
  return requestJson(fetchFn, '/api/ops/snapshot', { signal, timeoutMs: 5_000, validate: snapshotValidator });
}

export async function getDeadLetters(fetchFn: FetchFn, signal?: AbortSignal): Promise<OpsDeadLetter[]> {
  const body = await requestJson(fetchFn, '/api/ops/dead-letters', {
    signal,
    timeoutMs: 5_000,
    validate: deadLettersValidator,
  });
  return body.deadLetters;
}

export function replayDeadLetter(fetchFn: FetchFn, id: string): Promise<OpsReplay> {
  return requestJson(fetchFn, `/api/ops/dead-letters/${encodeURIComponent(id)}/replay`, {
    method: 'POST',
    validate: replayValidator,
  });
}

export function getOpsSnapshotQueryOptions(fetchFn: FetchFn, intervalMs = SNAPSHOT_INTERVAL_MS) {
  return queryOptions({
    queryKey: ['ops', 'snapshot'],
    queryFn: ({ signal }) => getOpsSnapshot(fetchFn, signal),
    refetchInterval: everyUntilOff(intervalMs),
  });
}

/** The pipeline snapshot, every second by default; a 404 means the Order Service runs without OPS_API. */
export function useOpsSnapshot(intervalMs = SNAPSHOT_INTERVAL_MS): PollState<OpsSnapshot> {
  const fetchFn = useFetch();
  return pollState(useQuery(getOpsSnapshotQueryOptions(fetchFn, intervalMs)));
}

export function getDeadLettersQueryOptions(fetchFn: FetchFn, intervalMs = DEAD_LETTERS_INTERVAL_MS) {
  return queryOptions({
    queryKey: DEAD_LETTERS_KEY,
    queryFn: ({ signal }) => getDeadLetters(fetchFn, signal),
    refetchInterval: everyUntilOff(intervalMs),
  });
}

/** The dead-letter topic changes rarely, so it is read less often than the snapshot. */
export function useDeadLetters(intervalMs = DEAD_LETTERS_INTERVAL_MS): PollState<OpsDeadLetter[]> {
  const fetchFn = useFetch();
  return pollState(useQuery(getDeadLettersQueryOptions(fetchFn, intervalMs)));
}

/** Puts a dead letter back on its source topic, then reads the list again now rather than at the next poll. */
export function useReplayDeadLetter() {
  const fetchFn = useFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => replayDeadLetter(fetchFn, id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: DEAD_LETTERS_KEY });
    },
  });
}

/** Hands the parked outbox events back to the relay; the snapshot shows them leave at its next poll. */
export function useRepublishParked() {
  const fetchFn = useFetch();
  return useMutation({
    mutationFn: () =>
      requestJson(fetchFn, '/api/ops/outbox/parked/republish', { method: 'POST', validate: republishedValidator }),
  });
}
