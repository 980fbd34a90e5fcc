import {
  type OpsDeadLetter,
  OpsDeadLettersSchema,
  OpsReplaySchema,
  type OpsSnapshot,
  OpsSnapshotSchema,
} from '@metalmart/contracts';
import type { Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { type FetchFn, requestJson } from '../../../lib/http.ts';
import { type Poll, usePoll } from './use-poll.ts';

const snapshotValidator = Compile(OpsSnapshotSchema);
const deadLettersValidator = Compile(OpsDeadLettersSchema);
const replayValidator = Compile(OpsReplaySchema);

export const SNAPSHOT_INTERVAL_MS = 1_000;
export const DEAD_LETTERS_INTERVAL_MS = 3_000;

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

/** The pipeline snapshot, every second by default; a 404 means the Order Service runs without OPS_API. */
export function useOpsSnapshot(intervalMs = SNAPSHOT_INTERVAL_MS): Poll<OpsSnapshot> {
  return usePoll(getOpsSnapshot, intervalMs);
}

/** The dead-letter topic changes rarely, so it is read less often than the snapshot. */
export function useDeadLetters(intervalMs = DEAD_LETTERS_INTERVAL_MS): Poll<OpsDeadLetter[]> {
  return usePoll(getDeadLetters, intervalMs);
}
