import { isFinal, type TrackingResponse, TrackingResponseSchema } from '@metalmart/contracts';
import { useEffect, useState } from 'react';
import { Compile } from 'typebox/compile';
import { useFetch } from '../../../lib/api-context.tsx';
import { ApiError, type FetchFn, requestJson } from '../../../lib/http.ts';

const trackingValidator = Compile(TrackingResponseSchema);

export const POLL_INTERVAL_MS = 2_000;

export function getTracking(fetchFn: FetchFn, trackingToken: string, signal?: AbortSignal): Promise<TrackingResponse> {
  return requestJson(fetchFn, `/api/orders/track/${encodeURIComponent(trackingToken)}`, {
    signal,
    timeoutMs: 8_000,
    validate: trackingValidator,
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

/**
 * Polls the tracking endpoint every `intervalMs` (one request at a time: the next is scheduled when the last
 * one is done) until the order is shipped or the token turns out to be unknown.
 */
export function useTracking(trackingToken: string, intervalMs = POLL_INTERVAL_MS): TrackingState {
  const fetchFn = useFetch();
  const [state, setState] = useState<TrackingState>({ polling: true });

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ polling: true });

    const poll = async () => {
      try {
        const order = await getTracking(fetchFn, trackingToken, controller.signal);
        if (controller.signal.aborted) return;
        const done = isFinal(order.status);
        setState({ order, lastUpdatedAt: new Date(), polling: !done });
        if (done) return;
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.kind === 'rejected') {
          setState((previous) => ({ ...previous, problem: 'not-found', polling: false }));
          return;
        }
        setState((previous) => ({ ...previous, problem: 'unavailable', polling: true }));
      }
      timer = setTimeout(poll, intervalMs);
    };
    void poll();

    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [fetchFn, trackingToken, intervalMs]);

  return state;
}
