import { type CreateOrderRequest, type CreateOrderResponse, INITIAL_STATUS } from '@metalmart/contracts';
import { currentTraceparent, traceIdOf } from '@metalmart/contracts/tracing';
import { newOrder, orderCreatedEvent, priceLines } from '../domain/order.ts';
import { outboxMessageOf } from '../outbox/message.ts';
import type { OutboxRelay } from '../outbox/relay.ts';
import type { OrderRecord, OrderStore } from '../store/types.ts';
import { conflict, ProblemError } from './errors.ts';
import { newEventId, newOrderIds } from './ids.ts';

export interface CreateOrderDeps {
  store: OrderStore;
  /** The event is stored with the order; the relay sends it, and the handler waits (bounded) for the ack. */
  relay: Pick<OutboxRelay, 'waitUntilPublished'>;
  topic: string;
}

export interface CreateOrderOutcome {
  order: CreateOrderResponse;
  /** True when an Idempotency-Key replay returned an existing order. */
  replayed: boolean;
  /** For the log line: the order's trace id. */
  traceId: string | undefined;
}

/** Prices the order from the catalog, stores it with its order.created event (one statement), waits for the send. */
export function createOrderHandler(deps: CreateOrderDeps) {
  return async function createOrder(request: CreateOrderRequest, idempotencyKey?: string): Promise<CreateOrderOutcome> {
    const products = await deps.store.findProducts(request.items.map((item) => item.productId));
    const pricing = priceLines(request, products);
    if (!pricing.ok) {
      const detail = pricing.errors.map((e) => e.message).join('; ');
      throw new ProblemError(422, detail, pricing.errors);
    }
    for (let attempt = 1; ; attempt++) {
      const traceparent = currentTraceparent();
      const fresh = { ...newOrderIds(), createdAt: new Date(), traceId: traceIdOf(traceparent) };
      const order = newOrder(request, pricing, fresh, idempotencyKey);
      const event = orderCreatedEvent(newEventId(), order);
      const saved = await deps.store.createOrder(order, outboxMessageOf(event, deps.topic, traceparent));
      if (saved.kind === 'idempotent-replay') {
        return { order: toResponse(saved.order), replayed: true, traceId: saved.order.traceId };
      }
      if (saved.kind === 'idempotency-conflict') {
        throw conflict('this Idempotency-Key was already used with a different request body');
      }
      if (saved.kind === 'order-number-taken' && attempt < 5) continue;
      if (saved.kind === 'order-number-taken') throw new Error('could not allocate a unique order number');
      await deps.relay.waitUntilPublished(event.eventId);
      return { order: toResponse({ ...order, status: INITIAL_STATUS }), replayed: false, traceId: order.traceId };
    }
  };
}

function toResponse(
  order: Pick<OrderRecord, 'id' | 'orderNumber' | 'trackingToken' | 'status' | 'totalCents' | 'currency' | 'createdAt'>,
): CreateOrderResponse {
  return {
    id: order.id,
    orderNumber: order.orderNumber,
    trackingToken: order.trackingToken,
    status: order.status,
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt.toISOString(),
  };
}
