import type { Product } from '@metalmart/contracts';
import type { OrderStore } from './types.ts';

/**
 * The catalog changes rarely and every order reads it: keep it in memory for `ttlMs` instead of a query per
 * order. A product id not in the cached copy triggers a reload, so a newly added product is never refused.
 */
export function withCatalogCache(store: OrderStore, ttlMs: number, now = Date.now): OrderStore {
  let cached: { at: number; products: Map<string, Product> } | undefined;
  let loading: Promise<Map<string, Product>> | undefined;

  function reload(): Promise<Map<string, Product>> {
    loading ??= store
      .listProducts()
      .then((products) => {
        cached = { at: now(), products: new Map(products.map((p) => [p.id, p])) };
        return cached.products;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  const current = async () => (cached && now() - cached.at < ttlMs ? cached.products : await reload());
  return {
    ...store,
    async listProducts() {
      return [...(await current()).values()];
    },
    async findProducts(ids) {
      let products = await current();
      if (ids.some((id) => !products.has(id))) products = await reload();
      return new Map(ids.flatMap((id) => (products.has(id) ? [[id, products.get(id) as Product]] : [])));
    },
  };
}
