// The rules of a new order as pure functions: no I/O, no clock, no randomness (ids and time come in as values),
// so each rule is shown by a given/when/then example in test/order.unit.test.ts.
import { createHash } from 'node:crypto';
import {
  type CreateOrderRequest,
  type Customer,
  ORDER_CREATED,
  type OrderCreatedEvent,
  type OrderLine,
  type Product,
  type ShippingAddress,
} from '@metalmart/contracts';

export interface NewOrder {
  id: string;
  orderNumber: string;
  trackingToken: string;
  customer: Customer;
  shippingAddress: ShippingAddress;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  createdAt: Date;
  /** W3C trace id of the request that placed it (orders placed before tracing existed have none). */
  traceId?: string;
  idempotency?: { key: string; requestHash: string };
}

export interface FieldError {
  field: string;
  message: string;
}

export type Pricing = { ok: true; lines: OrderLine[]; currency: string } | { ok: false; errors: FieldError[] };

/** Prices, names and the order's currency come from the catalog (`products`), never from the client. */
export function priceLines(request: CreateOrderRequest, products: Map<string, Product>): Pricing {
  const errors: FieldError[] = [];
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
  const currencies = new Set(request.items.flatMap((item) => products.get(item.productId)?.currency ?? []));
  if (currencies.size > 1) errors.push({ field: '/items', message: 'all products of an order must share a currency' });
  const [currency] = currencies;
  if (errors.length > 0 || currency === undefined) return { ok: false, errors };
  return { ok: true, lines, currency };
}

/** What the caller draws for a new order: its ids (random, unguessable) and its time. */
export interface Fresh {
  id: string;
  orderNumber: string;
  trackingToken: string;
  createdAt: Date;
  traceId?: string | undefined;
}

export function newOrder(
  request: CreateOrderRequest,
  { lines, currency }: { lines: OrderLine[]; currency: string },
  { traceId, ...fresh }: Fresh,
  idempotencyKey?: string,
): NewOrder {
  return {
    ...fresh,
    customer: request.customer,
    shippingAddress: request.shippingAddress,
    lines,
    totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
    currency,
    ...(traceId ? { traceId } : {}),
    ...(idempotencyKey ? { idempotency: { key: idempotencyKey, requestHash: requestHash(request) } } : {}),
  };
}

export function orderCreatedEvent(eventId: string, order: NewOrder): OrderCreatedEvent {
  return {
    eventId,
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

/** Same body (whatever the key order) → same hash: what an Idempotency-Key replay is compared by. */
export function requestHash(value: unknown): string {
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
