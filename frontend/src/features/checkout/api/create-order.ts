import { type CreateOrderRequest, type CreateOrderResponse, CreateOrderResponseSchema } from '@metalmart/contracts';
import { Compile } from 'typebox/compile';
import { type FetchFn, requestJson } from '../../../lib/http.ts';

const createOrderResponseValidator = Compile(CreateOrderResponseSchema);

/**
 * POST /api/orders. The same `idempotencyKey` with the same body returns the same order, so a retry after a
 * lost answer (or a second click) never creates a second one.
 */
export function createOrder(
  fetchFn: FetchFn,
  request: CreateOrderRequest,
  idempotencyKey: string,
): Promise<CreateOrderResponse> {
  return requestJson(fetchFn, '/api/orders', {
    method: 'POST',
    body: request,
    headers: { 'Idempotency-Key': idempotencyKey },
    timeoutMs: 15_000,
    validate: createOrderResponseValidator,
  });
}
