import { useCallback, useEffect, useRef, useState } from 'react';
import { useFetch } from '../../../lib/api-context.tsx';
import { ApiError, type FetchFn } from '../../../lib/http.ts';

export interface PollState<T> {
  /** The last answer; kept on screen while the source is unreachable. */
  data?: T;
  /** `off` (a 404: the endpoint is not there) stops polling; `unavailable` keeps it going. */
  problem?: 'off' | 'unavailable';
  lastUpdatedAt?: Date;
  polling: boolean;
}

export interface Poll<T> extends PollState<T> {
  /** Shows a fresher answer (a PUT's response) without waiting for the next poll. */
  replace: (data: T) => void;
  /** Asks again now, e.g. after an action changed what the endpoint returns. */
  refresh: () => void;
}

/**
 * Calls `load` every `intervalMs`, one request at a time (the next is scheduled when the last one is done),
 * like the tracking page does; stops for good on a 404.
 */
export function usePoll<T>(load: (fetchFn: FetchFn, signal: AbortSignal) => Promise<T>, intervalMs: number): Poll<T> {
  const fetchFn = useFetch();
  const [state, setState] = useState<PollState<T>>({ polling: true });
  const [round, setRound] = useState(0);
  // The loader is usually an inline arrow; a ref keeps it from restarting the loop on every render.
  const loader = useRef(load);
  loader.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` restarts the loop on refresh().
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const poll = async () => {
      try {
        const data = await loader.current(fetchFn, controller.signal);
        if (controller.signal.aborted) return;
        setState({ data, lastUpdatedAt: new Date(), polling: true });
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.kind === 'rejected' && error.status === 404) {
          setState((previous) => ({ ...previous, problem: 'off', polling: false }));
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
  }, [fetchFn, intervalMs, round]);

  const replace = useCallback((data: T) => setState({ data, lastUpdatedAt: new Date(), polling: true }), []);
  const refresh = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, replace, refresh };
}
