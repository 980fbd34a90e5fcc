import { type Product, ProductListSchema } from '@metalmart/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { Compile } from 'typebox/compile';
import { useFetch } from '../../../lib/api-context.tsx';
import { type FetchFn, requestJson } from '../../../lib/http.ts';

const productListValidator = Compile(ProductListSchema);

export function getProducts(fetchFn: FetchFn, signal?: AbortSignal): Promise<Product[]> {
  return requestJson(fetchFn, '/api/products', { signal, validate: productListValidator });
}

export function getProductsQueryOptions(fetchFn: FetchFn) {
  return queryOptions({ queryKey: ['products'], queryFn: ({ signal }) => getProducts(fetchFn, signal) });
}

/** The catalog, fetched on mount (the one read before shows meanwhile); `refetch` after an error. */
export function useProducts() {
  const fetchFn = useFetch();
  return useQuery(getProductsQueryOptions(fetchFn));
}
