import { QueryClient } from '@tanstack/react-query';

/**
 * The shop's TanStack Query client. No retries: the polling pages ask again on their next poll and the catalog
 * offers "Try again", so a failure shows at once. Nothing refetches on focus or reconnect, so a page that stopped
 * polling (shipped, unknown tracking link, no ops API) stays stopped; polls carry on in a background tab.
 * `networkMode: 'always'`: a request while the browser thinks it is offline fails and the page says so, rather
 * than waiting silently.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        refetchIntervalInBackground: true,
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}

/**
 * Whether the last finished request failed. Not `error !== null`: TanStack Query clears the error when it asks
 * again while it has no data yet, and a page should keep saying the API is unreachable until an answer comes.
 */
export function lastRequestFailed(query: { dataUpdatedAt: number; errorUpdatedAt: number }): boolean {
  return query.errorUpdatedAt > query.dataUpdatedAt;
}
