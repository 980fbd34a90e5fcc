import { describe, expect, it } from 'vitest';
import {
  isLegalTransition,
  maskEmail,
  nextStatus,
  ORDER_STATUSES,
  type OrderCreatedEvent,
  parseOrderCreatedEvent,
  remainingStatuses,
} from '../src/index.ts';

describe('order status machine', () => {
  it('moves one step at a time and ends at shipped', () => {
    expect(ORDER_STATUSES.map(nextStatus)).toEqual(['processing', 'confirmed', 'shipped', undefined]);
    expect(isLegalTransition('pending', 'processing')).toBe(true);
    expect(isLegalTransition('pending', 'shipped')).toBe(false);
    expect(isLegalTransition('shipped', 'pending')).toBe(false);
    expect(isLegalTransition('confirmed', 'confirmed')).toBe(false);
    expect(remainingStatuses('processing')).toEqual(['confirmed', 'shipped']);
    expect(remainingStatuses('shipped')).toEqual([]);
  });
});

const event: OrderCreatedEvent = {
  eventId: '0b9f6c1e-9a4f-4a59-9d6b-0c1f5a3e2d11',
  type: 'order.created',
  version: 1,
  occurredAt: '2026-11-25T10:00:00.000Z',
  order: {
    id: '7d0c8f0e-2f1b-4b8e-9c55-3d2a1e0f9b77',
    orderNumber: 'MM-ABCDEFG',
    items: [{ productId: 'anvil-classic', name: 'Anvil', quantity: 1, unitPriceCents: 24900 }],
    totalCents: 24900,
    currency: 'USD',
    customer: { name: 'Ada', email: 'demo@metalbear.com' },
    shippingAddress: { line1: '1 Forge St', city: 'Berlin', postalCode: '10115', country: 'DE' },
  },
};

describe('parseOrderCreatedEvent', () => {
  it('accepts a valid v1 event', () => {
    expect(parseOrderCreatedEvent(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, value: event });
  });

  it.each([
    ['an empty value', undefined, 'empty'],
    ['not JSON', 'not json {', 'not JSON'],
    ['a wrong version', JSON.stringify({ ...event, version: 2 }), 'does not match'],
    ['a bad order id', JSON.stringify({ ...event, order: { ...event.order, id: 'x' } }), '/order/id'],
    ['no items', JSON.stringify({ ...event, order: { ...event.order, items: [] } }), '/order/items'],
  ])('rejects %s with a reason', (_name, raw, reason) => {
    const result = parseOrderCreatedEvent(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(reason);
  });
});

describe('maskEmail', () => {
  it('keeps the first letter and the domain only', () => {
    expect(maskEmail('demo@metalbear.com')).toBe('d***@metalbear.com');
    expect(maskEmail('nonsense')).toBe('***');
  });
});
