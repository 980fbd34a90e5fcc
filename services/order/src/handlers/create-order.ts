import { createHash } from 'node:crypto';
import {
  type CreateOrderRequest,
  type CreateOrderResponse,
  HEADERS,
  ORDER_CREATED,
  type OrderCreatedEvent,
  type OrderLine,
  type Product,
} from '@metalmart/contracts';
import { currentTraceparent, traceIdOf } from '@metalmart/contracts/tracing';
import type { NewOrder, OrderRecord, OrderStore, OutboxMessage } from '../store/types.ts';
import { conflict, ProblemError } from './errors.ts';
import type { IdSource } from './ids.ts';

export interface OrderEventProducer {
  /** Resolves once the event is on Kafka, or after a bounded wait (it is durable in the outbox either way). */
  publishOrderCreated(event: OrderCreatedEvent): Promise<boolean>;
}

export interface CreateOrderDeps {
  store: OrderStore;
  producer: OrderEventProducer;
  ids: IdSource;
  topic: string;
  now?: () => Date;
}

export interface CreateOrderOutcome {
  order: CreateOrderResponse;
  /** True when an Idempotency-Key replay returned an existing order. */
  replayed: boolean;
  /** For the log line: the order's trace id. */
  traceId: string | undefined;
}

export function createOrderHandler(deps: CreateOrderDeps) {
  const now = deps.now ?? (() => new Date());

  return async function createOrder(request: CreateOrderRequest, idempotencyKey?: string): Promise<CreateOrderOutcome> {
    const products = await deps.store.findProducts(request.items.map((item) => item.productId));
    const { lines, currency } = priceLines(request, products);
    for (let attempt = 1; ; attempt++) {
      const traceparent = currentTraceparent();
      const order = {
        ...newOrder(deps.ids, request, { lines, currency }, now(), idempotencyKey),
        traceId: traceIdOf(traceparent),
      };
      const event = orderCreatedEvent(deps.ids, order);
      const saved = await deps.store.createOrder(order, toOutboxMessage(deps, event, traceparent));
      if (saved.kind === 'idempotent-replay') {
        return { order: toResponse(saved.order), replayed: true, traceId: saved.order.traceId };
      }
      if (saved.kind === 'idempotency-conflict') {
        throw conflict('this Idempotency-Key was already used with a different request body');
      }
      if (saved.kind === 'order-number-taken' && attempt < 5) continue;
      if (saved.kind === 'order-number-taken') throw new Error('could not allocate a unique order number');
      await deps.producer.publishOrderCreated(event);
      return { order: toResponse({ ...order, status: 'pending' }), replayed: false, traceId: order.traceId };
    }
  };
}

/** Prices (and the order's currency) come from the catalog, never from the client. */
function priceLines(
  request: CreateOrderRequest,
  products: Map<string, Product>,
): { lines: OrderLine[]; currency: string } {
  const errors: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  const lines = request.items.map((item, i) => {
    const product = products.get(item.productId);
    if (!product) errors.push({ field: `/items/${i}/productId`, message: `unknown product "${item.productId}"` });
    if (seen.has(item.productId)) {
      errors.push({ field: `/items/${i}/productId`, message: 'each product may appear once; change its quantity' });
    }
    seen.add(item.productId);
    return {
      productId: item.productId,
      name: product?.name ?? '',
      quantity: item.quantity,
      unitPriceCents: product?.priceCents ?? 0,
    };
  });
  const currencies = new Set([...products.values()].map((p) => p.currency));
  if (currencies.size > 1) errors.push({ field: '/items', message: 'all products of an order must share a currency' });
  if (errors.length > 0) {
    throw new ProblemError(422, 'Unprocessable Order', errors.map((e) => e.message).join('; '), errors);
  }
  return { lines, currency: [...currencies][0] ?? 'USD' };
}

function newOrder(
  ids: IdSource,
  request: CreateOrderRequest,
  { lines, currency }: { lines: OrderLine[]; currency: string },
  createdAt: Date,
  idempotencyKey: string | undefined,
): NewOrder {
  return {
    id: ids.orderId(),
    orderNumber: ids.orderNumber(),
    trackingToken: ids.trackingToken(),
    customer: request.customer,
    shippingAddress: request.shippingAddress,
    lines,
    totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
    currency,
    createdAt,
    ...(idempotencyKey ? { idempotency: { key: idempotencyKey, requestHash: hashRequest(request) } } : {}),
  };
}

function orderCreatedEvent(ids: IdSource, order: NewOrder): OrderCreatedEvent {
  return {
    eventId: ids.eventId(),
    type: ORDER_CREATED,
    version: 1,
    occurredAt: order.createdAt.toISOString(),
    order: {
      id: order.id,
      orderNumber: order.orderNumber,
      items: order.lines,
      totalCents: order.totalCents,
      currency: order.currency,
      customer: order.customer,
      shippingAddress: order.shippingAddress,
    },
  };
}

/** `traceparent`: the request's context; the relay's PRODUCER span becomes its child. */
function toOutboxMessage(deps: CreateOrderDeps, event: OrderCreatedEvent, traceparent: string): OutboxMessage {
  return {
    eventId: event.eventId,
    topic: deps.topic,
    key: event.order.id,
    payload: JSON.stringify(event),
    headers: {
      [HEADERS.eventType]: event.type,
      [HEADERS.contentType]: 'application/json',
      [HEADERS.traceparent]: traceparent,
      // mirrord's queue splitting routes on this header (it cannot read the JSON body).
      [HEADERS.customerEmail]: event.order.customer.email,
    },
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

/** Same body (whatever the key order) → same hash. */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
