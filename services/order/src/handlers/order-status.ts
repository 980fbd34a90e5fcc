import type {
  InternalOrder,
  StatusUpdateRequest,
  StatusUpdateResponse,
  TransitionBatchRequest,
  TransitionBatchResponse,
} from '@metalmart/contracts';
import { previousStatus, transitionAnswer } from '@metalmart/contracts';
import type { OrderStore } from '../store/types.ts';
import { conflict, notFound, ProblemError } from './errors.ts';

/**
 * Internal: the processor moves orders one legal step each. A transition the order already made is an idempotent
 * success (`already-applied`), so a redelivered message neither fails nor records twice.
 */
export function applyTransitionsHandler(store: OrderStore) {
  return async function applyTransitions(request: TransitionBatchRequest): Promise<TransitionBatchResponse> {
    const ids = new Set(request.transitions.map((t) => t.id));
    if (ids.size !== request.transitions.length) {
      throw new ProblemError(422, 'each order may appear once per batch', [
        { field: '/transitions', message: 'duplicate order id' },
      ]);
    }
    const results = await store.applyTransitions(
      request.transitions.map((t) => ({ id: t.id, from: previousStatus(t.status), to: t.status, by: t.processedBy })),
    );
    return {
      results: request.transitions.map((t, i) => {
        const result = results[i] ?? { kind: 'not-found' as const };
        if (result.kind === 'applied') return { id: t.id, outcome: 'applied', status: t.status };
        if (result.kind === 'not-found') return { id: t.id, outcome: 'not-found' };
        return { id: t.id, outcome: result.kind, status: result.current };
      }),
    };
  };
}

/** One order's transition (the API a person or an older processor calls): a batch of one. */
export function updateOrderStatusHandler(store: OrderStore) {
  const apply = applyTransitionsHandler(store);
  return async function updateOrderStatus(id: string, update: StatusUpdateRequest): Promise<StatusUpdateResponse> {
    const [result] = (await apply({ transitions: [{ id, ...update }] })).results;
    const settled = transitionAnswer(id, update.status, result);
    if ('answer' in settled) return settled.answer;
    throw settled.refused === 'illegal' ? conflict(settled.message) : notFound(settled.message);
  };
}

export function getOrderHandler(store: OrderStore) {
  return async function getOrder(id: string): Promise<InternalOrder> {
    const order = await store.findOrder(id);
    if (!order) throw notFound(`no order ${id}`);
    return {
      id: order.id,
      orderNumber: order.orderNumber,
      status: order.status,
      items: order.lines,
      totalCents: order.totalCents,
      currency: order.currency,
      customer: order.customer,
      shippingAddress: order.shippingAddress,
      createdAt: order.createdAt.toISOString(),
      history: order.history,
    };
  };
}
