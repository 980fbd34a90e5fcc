import { isFinal, type TrackingResponse, TrackingResponseSchema } from '@metalmart/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { Compile } from 'typebox/compile';
import { useFetch } from '../../../lib/api-context.tsx';
import { ApiError, type FetchFn, requestJson } from '../../../lib/http.ts';
import { lastRequestFailed } from '../../../lib/query-client.ts';

const trackingValidator = Compile(TrackingResponseSchema);

export const POLL_INTERVAL_MS = 2_000;

export function getTracking(fetchFn: FetchFn, trackingToken: string, signal?: AbortSignal): Promise<TrackingResponse> {
  return requestJson(fetchFn, `/api/orders/track/${encodeURIComponent(trackingToken)}`, {
    signal,
    timeoutMs: 8_000,
    validate: trackingValidator,
  });
}

/** The API turned the token down (an unknown order): asking again will not change that. */
function isRejected(error: unknown): boolean {
  return error instanceof ApiError && error.kind === 'rejected';
}

/** Until the order is shipped or the token is turned down; an unreachable API is asked again. */
function keepsPolling(order: TrackingResponse | undefined, error: unknown): boolean {
  return !(order && isFinal(order.status)) && !isRejected(error);
}

/**
 * Asks every `intervalMs`, one request at a time: TanStack Query restarts the interval whenever an answer
 * comes in, so the next request goes out `intervalMs` after the last one is done.
 */
export function getTrackingQueryOptions(fetchFn: FetchFn, trackingToken: string, intervalMs = POLL_INTERVAL_MS) {
  return queryOptions({
    queryKey: ['tracking', trackingToken],
    queryFn: ({ signal }) => getTracking(fetchFn, trackingToken, signal),
    refetchInterval: (query) => (keepsPolling(query.state.data, query.state.error) ? intervalMs : false),
  });
}

export interface TrackingState {
  /** The last answer; kept on screen while the API is unreachable. */
  order?: TrackingResponse;
  /** `not-found` stops polling; `unavailable` (API down, timeout, 5xx, garbled answer) keeps it going. */
  problem?: 'not-found' | 'unavailable';
  lastUpdatedAt?: Date;
  polling: boolean;
}

/** The order's tracking, polled until it is shipped or the token turns out to be unknown. */
export function useTracking(trackingToken: string, intervalMs = POLL_INTERVAL_MS): TrackingState {
  const fetchFn = useFetch();
  const query = useQuery(getTrackingQueryOptions(fetchFn, trackingToken, intervalMs));
  const { data: order, error, dataUpdatedAt } = query;
  return {
    order,
    problem: isRejected(error) ? 'not-found' : lastRequestFailed(query) ? 'unavailable' : undefined,
    lastUpdatedAt: order ? new Date(dataUpdatedAt) : undefined,
    polling: keepsPolling(order, error),
  };
}
