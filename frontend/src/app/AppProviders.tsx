import type { ReactNode } from 'react';
import { CartProvider } from '../features/cart/CartProvider.tsx';
import { AnnouncerProvider } from '../lib/announcer.tsx';
import { FetchProvider } from '../lib/api-context.tsx';
import type { FetchFn } from '../lib/http.ts';

/** Everything the pages need but the router: tests wrap a MemoryRouter around this with a fake `fetch`. */
export function AppProviders({ fetch, children }: { fetch?: FetchFn; children: ReactNode }) {
  return (
    <FetchProvider fetch={fetch}>
      <CartProvider>
        <AnnouncerProvider>{children}</AnnouncerProvider>
      </CartProvider>
    </FetchProvider>
  );
}
