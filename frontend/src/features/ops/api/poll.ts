import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from '../../../lib/http.ts';
import { lastRequestFailed } from '../../../lib/query-client.ts';

/** What the ops page shows of a polled source. */
export interface PollState<T> {
  /** The last answer; kept on screen while the source is unreachable. */
  data?: T;
  /** `off` (a 404: the endpoint is not there) stops polling; `unavailable` keeps it going. */
  problem?: 'off' | 'unavailable';
  lastUpdatedAt?: Date;
  polling: boolean;
}

/** A 404: the Order Service runs without OPS_API, or there is no stack runner behind /stack. */
function isOff(error: unknown): boolean {
  return error instanceof ApiError && error.kind === 'rejected' && error.status === 404;
}

/**
 * A `refetchInterval`: every `intervalMs`, one request at a time (the interval restarts with each answer), and
 * never again after a 404.
 */
export function everyUntilOff(intervalMs: number) {
  return (query: { state: { error: Error | null } }) => (isOff(query.state.error) ? false : intervalMs);
}

/** The page's view of a poll: the last answer, kept through failures, and whether the source is off. */
export function pollState<T>(query: UseQueryResult<T>): PollState<T> {
  const off = isOff(query.error);
  return {
    data: query.data,
    problem: off ? 'off' : lastRequestFailed(query) ? 'unavailable' : undefined,
    lastUpdatedAt: query.data === undefined ? undefined : new Date(query.dataUpdatedAt),
    polling: !off,
  };
}
