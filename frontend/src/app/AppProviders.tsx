import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { AnnouncerProvider } from '../lib/announcer.tsx';
import { FetchProvider } from '../lib/api-context.tsx';
import { CartProvider } from '../lib/cart/cart-provider.tsx';
import type { FetchFn } from '../lib/http.ts';
import { createQueryClient } from '../lib/query-client.ts';

interface AppProvidersProps {
  fetch?: FetchFn;
  /** Tests pass a fresh one each, so no answer is cached from one test to the next. */
  queryClient?: QueryClient;
  children: ReactNode;
}

/** Everything the pages need but the router: tests wrap a MemoryRouter around this with a fake `fetch`. */
export function AppProviders({ fetch, queryClient, children }: AppProvidersProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <FetchProvider fetch={fetch}>
        <CartProvider>
          <AnnouncerProvider>{children}</AnnouncerProvider>
        </CartProvider>
      </FetchProvider>
    </QueryClientProvider>
  );
}
