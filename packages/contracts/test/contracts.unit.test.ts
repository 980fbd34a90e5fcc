import { orderCreatedEvent } from '@metalmart/test-support/orders';
import { describe, expect, it } from 'vitest';
import {
  deadLetterTopicOf,
  decimalAtMostPattern,
  INITIAL_STATUS,
  INT32_MAX,
  INT64_MAX,
  instanceOfClientId,
  isLegalTransition,
  maskEmail,
  nextStatus,
  ORDER_STATUSES,
  OrderStatusSchema,
  parseOrderCreatedEvent,
  partitionLag,
  previousStatus,
  processorClientIds,
  remainingStatuses,
  StatusUpdateRequestSchema,
  TARGET_STATUSES,
  transitionAnswer,
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

  it('names where an order starts and the step before each target', () => {
    expect(INITIAL_STATUS).toBe('pending');
    expect(TARGET_STATUSES).toEqual(['processing', 'confirmed', 'shipped']);
    expect(TARGET_STATUSES.map(previousStatus)).toEqual(['pending', 'processing', 'confirmed']);
  });

  it('gives the schemas the same statuses (what the API accepts and documents)', () => {
    expect(OrderStatusSchema.enum).toEqual([...ORDER_STATUSES]);
    expect(StatusUpdateRequestSchema.properties.status.enum).toEqual([...TARGET_STATUSES]);
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

describe('deadLetterTopicOf', () => {
  it("is KAFKA_DLQ_TOPIC when set, else the topic's own `.dlq`", () => {
    expect(deadLetterTopicOf('order.created')).toBe('order.created.dlq');
    expect(deadLetterTopicOf('order.created', { KAFKA_DLQ_TOPIC: '' })).toBe('order.created.dlq');
    expect(deadLetterTopicOf('mirrord-tmp-x', { KAFKA_DLQ_TOPIC: 'order.created.dlq' })).toBe('order.created.dlq');
  });
});

describe('processor client ids', () => {
  it('gives the instance back from the member client id, and leaves other clients as they are', () => {
    const ids = processorClientIds('pod-7');
    expect(ids).toEqual({ member: 'order-processor-pod-7', deadLetters: 'order-processor-dlq-pod-7' });
    expect(instanceOfClientId(ids.member)).toBe('pod-7');
    expect(instanceOfClientId(ids.deadLetters)).toBe(ids.deadLetters);
    expect(instanceOfClientId('console-consumer')).toBe('console-consumer');
  });
});

describe('transitionAnswer', () => {
  const id = '0b6c4a8e-3f1d-4d6b-9a51-7f3e2c1d0a9b';
  it('answers applied and already-applied (a redelivery), and refuses an illegal step or an unknown order', () => {
    expect(transitionAnswer(id, 'confirmed', { id, outcome: 'applied', status: 'confirmed' })).toEqual({
      answer: { id, status: 'confirmed', applied: true },
    });
    expect(transitionAnswer(id, 'confirmed', { id, outcome: 'already-applied', status: 'shipped' })).toEqual({
      answer: { id, status: 'shipped', applied: false },
    });
    expect(transitionAnswer(id, 'shipped', { id, outcome: 'illegal', status: 'pending' })).toEqual({
      refused: 'illegal',
      message: 'order is pending; it cannot move to shipped',
    });
    expect(transitionAnswer(id, 'shipped', { id, outcome: 'not-found' })).toMatchObject({ refused: 'not-found' });
    expect(transitionAnswer(id, 'shipped', undefined)).toMatchObject({ refused: 'not-found' });
  });
});

describe('partitionLag', () => {
  it('counts from the committed offset, or from the start when the group never committed', () => {
    expect(partitionLag(10n, 4n)).toBe(6);
    expect(partitionLag(10n, null)).toBe(10);
    expect(partitionLag(10n, -1n)).toBe(10);
    expect(partitionLag(10n, undefined)).toBe(10);
    // A commit read before the end offset it passed: never a negative lag.
    expect(partitionLag(10n, 12n)).toBe(0);
  });
});

describe('maskEmail', () => {
  it('keeps the first letter and the domain only', () => {
    expect(maskEmail('demo@metalbear.com')).toBe('d***@metalbear.com');
    expect(maskEmail('nonsense')).toBe('***');
  });
});

describe('bounds of the event and the text rule (issue 10)', () => {
  /** The event with the value at `pointer` replaced. */
  const mutated = (pointer: string, value: unknown) => {
    const copy = structuredClone(event) as unknown as Record<string, unknown>;
    const keys = pointer.split('/').slice(1);
    const last = keys.pop() as string;
    let target = copy;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    target[last] = value;
    return parseOrderCreatedEvent(JSON.stringify(copy));
  };

  it.each([
    ['a quantity above the maximum', '/order/items/0/quantity', 100],
    ['cents beyond integer', '/order/totalCents', INT32_MAX + 1],
    ['a unit price beyond integer', '/order/items/0/unitPriceCents', 2 ** 40],
    ['NUL in a name', '/order/customer/name', 'A\u0000'],
    ['a lone surrogate in a line name', '/order/items/0/name', 'x\ud800'],
    ['a newline in the order number', '/order/orderNumber', 'MM-1\n'],
  ])('refuses %s, naming the field', (_what, pointer, value) => {
    const result = mutated(pointer, value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(pointer);
  });

  it('decimalAtMostPattern accepts exactly 0…max without leading zeros', () => {
    const pattern = new RegExp(decimalAtMostPattern(INT64_MAX), 'u');
    const max = BigInt(INT64_MAX);
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const samples = ['0', '1', '9', '10', INT64_MAX, (max + 1n).toString(), (max - 1n).toString(), '9'.repeat(19)];
    for (let i = 0; i < 2000; i++) {
      const digits = 1 + (random() % 20);
      samples.push(Array.from({ length: digits }, (_, d) => (d === 0 ? 1 + (random() % 9) : random() % 10)).join(''));
      // Near the edge: the max with one digit changed.
      const at = random() % 19;
      samples.push(INT64_MAX.slice(0, at) + String(random() % 10) + INT64_MAX.slice(at + 1));
    }
    for (const sample of samples) {
      const expected = !/^0\d/.test(sample) && BigInt(sample) <= max;
      expect(pattern.test(sample), sample).toBe(expected);
    }
    expect(pattern.test('007')).toBe(false);
    expect(pattern.test('-1')).toBe(false);
  });
});
