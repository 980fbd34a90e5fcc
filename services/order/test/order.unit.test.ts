// The rules of a new order (src/domain/order.ts) as given/when/then examples: given a catalog, when a customer
// sends this request, then this is the order, its event, or the errors the customer sees.
import { type CreateOrderRequest, type Product, parseOrderCreatedEvent } from '@metalmart/contracts';
import { describe, expect, it } from 'vitest';
import { newOrder, orderCreatedEvent, type Pricing, priceLines, requestHash } from '../src/domain/order.ts';

const product = (id: string, priceCents: number, currency = 'USD'): Product => ({
  id,
  name: `The ${id}`,
  description: 'forged',
  priceCents,
  currency,
  imageUrl: `/images/${id}.svg`,
});

const request = (items: CreateOrderRequest['items']): CreateOrderRequest => ({
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shippingAddress: { line1: '1 Forge Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
  items,
});

const given = (...catalog: Product[]) => ({
  whenPricing: (items: CreateOrderRequest['items']): Pricing =>
    priceLines(request(items), new Map(catalog.map((p) => [p.id, p]))),
});

const fresh = { id: 'order-1', orderNumber: 'MM-ABCDEFG', trackingToken: 'token-1', createdAt: new Date(0) };

function priced(pricing: Pricing) {
  if (!pricing.ok) throw new Error(`expected a priced order, got ${JSON.stringify(pricing.errors)}`);
  return pricing;
}

describe('pricing an order', () => {
  it('given the catalog, when a customer orders quantities, then names and prices come from the catalog', () => {
    const pricing = given(product('anvil', 24_900), product('mug', 1_500)).whenPricing([
      { productId: 'anvil', quantity: 1 },
      { productId: 'mug', quantity: 3 },
    ]);
    expect(pricing).toEqual({
      ok: true,
      currency: 'USD',
      lines: [
        { productId: 'anvil', name: 'The anvil', quantity: 1, unitPriceCents: 24_900 },
        { productId: 'mug', name: 'The mug', quantity: 3, unitPriceCents: 1_500 },
      ],
    });
  });

  it("given a catalog in euros, when a customer orders, then the order's currency is the products'", () => {
    expect(given(product('anvil', 100, 'EUR')).whenPricing([{ productId: 'anvil', quantity: 1 }])).toMatchObject({
      ok: true,
      currency: 'EUR',
    });
  });

  it('given a product the catalog lacks, when it is ordered, then the error names its line', () => {
    expect(given(product('anvil', 100)).whenPricing([{ productId: 'ghost', quantity: 1 }])).toEqual({
      ok: false,
      errors: [{ field: '/items/0/productId', message: 'unknown product "ghost"' }],
    });
  });

  it('given the catalog, when one product is on two lines, then the second line is refused', () => {
    const pricing = given(product('anvil', 100)).whenPricing([
      { productId: 'anvil', quantity: 1 },
      { productId: 'anvil', quantity: 2 },
    ]);
    expect(pricing).toEqual({
      ok: false,
      errors: [{ field: '/items/1/productId', message: 'each product may appear once; change its quantity' }],
    });
  });

  it('given products in two currencies, when both are ordered, then the order is refused', () => {
    const pricing = given(product('anvil', 100, 'USD'), product('mug', 100, 'EUR')).whenPricing([
      { productId: 'anvil', quantity: 1 },
      { productId: 'mug', quantity: 1 },
    ]);
    expect(pricing).toEqual({
      ok: false,
      errors: [{ field: '/items', message: 'all products of an order must share a currency' }],
    });
  });
});

describe('a new order and its event', () => {
  const body = request([
    { productId: 'anvil', quantity: 2 },
    { productId: 'mug', quantity: 3 },
  ]);
  const pricing = priced(given(product('anvil', 24_900), product('mug', 1_500)).whenPricing(body.items));

  it('given a priced request, when the order is made, then its total is the sum of its lines', () => {
    const order = newOrder(body, pricing, fresh);
    expect(order).toEqual({
      ...fresh,
      customer: body.customer,
      shippingAddress: body.shippingAddress,
      lines: pricing.lines,
      totalCents: 2 * 24_900 + 3 * 1_500,
      currency: 'USD',
    });
  });

  it('given an Idempotency-Key, when the order is made, then it keeps the key and the hash of the body', () => {
    const order = newOrder(body, pricing, { ...fresh, traceId: 'a'.repeat(32) }, 'key-1');
    expect(order.idempotency).toEqual({ key: 'key-1', requestHash: requestHash(body) });
    expect(order.traceId).toBe('a'.repeat(32));
  });

  it('given an order, when its event is made, then the event carries the order and passes the contract', () => {
    const order = newOrder(body, pricing, fresh);
    const event = orderCreatedEvent('event-1', order);
    expect(event).toEqual({
      eventId: 'event-1',
      type: 'order.created',
      version: 1,
      occurredAt: '1970-01-01T00:00:00.000Z',
      order: {
        id: 'order-1',
        orderNumber: 'MM-ABCDEFG',
        items: pricing.lines,
        totalCents: order.totalCents,
        currency: 'USD',
        customer: body.customer,
        shippingAddress: body.shippingAddress,
      },
    });
    const withUuids = { ...event, eventId: crypto.randomUUID(), order: { ...event.order, id: crypto.randomUUID() } };
    expect(parseOrderCreatedEvent(JSON.stringify(withUuids))).toMatchObject({ ok: true });
  });
});

describe('the request hash of an Idempotency-Key', () => {
  it('given two bodies that differ only in key order, then their hashes are equal; another body differs', () => {
    expect(requestHash({ a: 1, b: [{ c: 2, d: 3 }] })).toBe(requestHash({ b: [{ d: 3, c: 2 }], a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(requestHash([1, 2])).not.toBe(requestHash([2, 1]));
  });
});
