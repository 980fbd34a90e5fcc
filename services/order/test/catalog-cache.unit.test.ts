import type { Product } from '@metalmart/contracts';
import { describe, expect, it } from 'vitest';
import { withCatalogCache } from '../src/store/catalog-cache.ts';
import type { OrderStore } from '../src/store/types.ts';

const product = (id: string, priceCents = 100): Product => ({
  id,
  name: id,
  description: '',
  priceCents,
  currency: 'USD',
  imageUrl: '',
});

function fakeStore(catalog: Product[]) {
  const calls = { list: 0 };
  const store = {
    async listProducts() {
      calls.list++;
      return [...catalog];
    },
  } as unknown as OrderStore;
  return { store, calls, catalog };
}

describe('catalog cache', () => {
  it('reads the catalog once per TTL, not once per order', async () => {
    let clock = 0;
    const { store, calls } = fakeStore([product('a'), product('b')]);
    const cached = withCatalogCache(store, 1000, () => clock);
    expect([...(await cached.findProducts(['a', 'b'])).keys()]).toEqual(['a', 'b']);
    await cached.findProducts(['a']);
    expect(calls.list).toBe(1);
    clock = 1500;
    await cached.findProducts(['a']);
    expect(calls.list).toBe(2);
  });

  it('reloads at once for an unknown id, and still leaves a truly unknown one out', async () => {
    const { store, calls, catalog } = fakeStore([product('a')]);
    const cached = withCatalogCache(store, 60_000, () => 0);
    await cached.findProducts(['a']);
    catalog.push(product('new', 500));
    expect((await cached.findProducts(['new'])).get('new')?.priceCents).toBe(500);
    expect((await cached.findProducts(['nope'])).has('nope')).toBe(false);
    expect(calls.list).toBe(3);
  });

  it("serves the product list from the same cache, in the store's order", async () => {
    const { store, calls } = fakeStore([product('b'), product('a')]);
    const cached = withCatalogCache(store, 60_000, () => 0);
    expect((await cached.listProducts()).map((p) => p.id)).toEqual(['b', 'a']);
    await cached.findProducts(['a']);
    await cached.listProducts();
    expect(calls.list).toBe(1);
  });
});
