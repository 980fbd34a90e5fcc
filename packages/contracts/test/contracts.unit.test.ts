import { describe, expect, it } from 'vitest';
import { orderCreatedEvent } from '../../../tests/support/orders.ts';
import {
  isLegalTransition,
  maskEmail,
  nextStatus,
  ORDER_STATUSES,
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

const event = orderCreatedEvent();

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
