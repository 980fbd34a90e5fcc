import { type Product, ProductListSchema } from '@metalmart/contracts';
import { useCallback, useEffect, useState } from 'react';
import { Compile } from 'typebox/compile';
import { useFetch } from '../../../lib/api-context.tsx';
import { type FetchFn, requestJson } from '../../../lib/http.ts';

const productListValidator = Compile(ProductListSchema);

export function getProducts(fetchFn: FetchFn, signal?: AbortSignal): Promise<Product[]> {
  return requestJson(fetchFn, '/api/products', { signal, validate: productListValidator });
}

export type ProductsState =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; products: Product[] };

/** The catalog, fetched on mount; `reload` after an error. */
export function useProducts(): ProductsState & { reload: () => void } {
  const fetchFn = useFetch();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<ProductsState>({ status: 'loading' });

  useEffect(() => {
    // `attempt` is read so that `reload` runs this effect again.
    void attempt;
    const controller = new AbortController();
    setState({ status: 'loading' });
    getProducts(fetchFn, controller.signal).then(
      (products) => setState({ status: 'ready', products }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [fetchFn, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
