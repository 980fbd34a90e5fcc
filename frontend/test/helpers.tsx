import type { OrderStatus, Product, TrackingResponse } from '@metalmart/contracts';
import { ORDER_STATUSES } from '@metalmart/contracts';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { AppProviders } from '../src/app/AppProviders.tsx';
import { AppRoutes } from '../src/app/AppRoutes.tsx';
import type { CartLine } from '../src/lib/cart/cart.ts';
import { CART_STORAGE_KEY } from '../src/lib/cart/cart-storage.ts';
import type { FetchFn } from '../src/lib/http.ts';
import { createQueryClient } from '../src/lib/query-client.ts';

export const ANVIL: Product = {
  id: 'steel-anvil',
  name: 'Steel Anvil',
  description: 'Forged, hardened face, 50 kg of pure intent.',
  priceCents: 12_999,
  currency: 'USD',
  imageUrl: '/api/images/steel-anvil.svg',
};

export const WRENCH: Product = {
  id: 'torque-wrench',
  name: 'Torque Wrench',
  description: 'Click-type, 20–200 Nm.',
  priceCents: 4_550,
  currency: 'USD',
  imageUrl: '/api/images/torque-wrench.svg',
};

export const PRODUCTS = [ANVIL, WRENCH];

export function lineOf(product: Product, quantity: number): CartLine {
  const { id, name, priceCents, currency, imageUrl } = product;
  return { productId: id, name, priceCents, currency, imageUrl, quantity };
}

export function seedCart(lines: CartLine[]): void {
  localStorage.setItem(CART_STORAGE_KEY, JSON.stringify(lines));
}

export function storedCart(): CartLine[] {
  return JSON.parse(localStorage.getItem(CART_STORAGE_KEY) ?? '[]') as CartLine[];
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function problem(status: number, title: string, errors?: Array<{ field: string; message: string }>): Response {
  return new Response(JSON.stringify({ title, status, ...(errors ? { errors } : {}) }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

/** A fake `fetch` that answers by "METHOD path"; anything else is a 404 problem. */
export function fakeApi(routes: Record<string, (init: RequestInit | undefined) => Response | Promise<Response>>) {
  return vi.fn<FetchFn>(async (url, init) => {
    const route = routes[`${init?.method ?? 'GET'} ${url}`];
    return route ? route(init) : problem(404, 'Not Found');
  });
}

/**
 * The whole app at `path`, with a fresh query cache: nothing is remembered from another test (or from before an
 * `unmount()` that stands for a reload). The app's client does not retry, so tests can count calls.
 */
export function renderApp(path: string, fetch: FetchFn) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AppProviders fetch={fetch} queryClient={createQueryClient()}>
        <AppRoutes />
      </AppProviders>
    </MemoryRouter>,
  );
}

/** A tracking answer at `status`, with a history entry (and processor details) for each step so far. */
export function tracking(status: OrderStatus): TrackingResponse {
  const steps = ORDER_STATUSES.slice(0, ORDER_STATUSES.indexOf(status) + 1);
  return {
    orderNumber: 'MM-1001',
    status,
    items: [{ productId: ANVIL.id, name: ANVIL.name, quantity: 2, unitPriceCents: ANVIL.priceCents }],
    totalCents: 2 * ANVIL.priceCents,
    currency: 'USD',
    createdAt: '2026-01-05T10:00:00.000Z',
    customer: { name: 'Ada Lovelace', email: 'd***@metalbear.com' },
    shipTo: { city: 'Berlin', country: 'DE' },
    history: steps.map((step, index) => ({
      status: step,
      at: `2026-01-05T10:00:0${index}.000Z`,
      ...(step === 'pending'
        ? {}
        : { processedBy: { instance: 'order-processor-7f9c', topic: 'order.created', partition: 1, offset: '42' } }),
    })),
  };
}
