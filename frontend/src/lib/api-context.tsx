import { createContext, type ReactNode, useContext } from 'react';
import type { FetchFn } from './http.ts';

// Looked up at call time, so a test's `vi.stubGlobal('fetch', …)` is seen too.
const browserFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

const FetchContext = createContext<FetchFn>(browserFetch);

/** Hands the API hooks their `fetch`; tests pass a fake one. */
export function FetchProvider({ fetch, children }: { fetch?: FetchFn; children: ReactNode }) {
  return <FetchContext value={fetch ?? browserFetch}>{children}</FetchContext>;
}

export function useFetch(): FetchFn {
  return useContext(FetchContext);
}
