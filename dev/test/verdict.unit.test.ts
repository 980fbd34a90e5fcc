// The lab's verdict arithmetic, given what PostgreSQL and the topic say.
import { describe, expect, it } from 'vitest';
import { flowPerSecond, judge, type OrderFacts } from '../src/lab/verdict.ts';

const now = 1_000_000;
const lifecycle = (from: number) =>
  ['pending', 'processing', 'confirmed', 'shipped'].map((status, i) => ({ status, at: from + i * 1000 }));

function order(overrides: Partial<OrderFacts> = {}): OrderFacts {
  return {
    orderNumber: 'MM-AAAAAAA',
    status: 'shipped',
    createdAt: now - 60_000,
    history: lifecycle(now - 60_000),
    inOutbox: false,
    records: [{ partition: 0, offset: 5n }],
    deadLettered: false,
    ...overrides,
  };
}
const pendingFor = (ms: number, more: Partial<OrderFacts> = {}) =>
  order({ status: 'pending', createdAt: now - ms, history: [{ status: 'pending', at: now - ms }], ...more });
const committed = new Map<number, bigint | null>([[0, 10n]]);

describe('the lab verdict', () => {
  it('given every order shipped or waiting somewhere, then it is green and says where they are', () => {
    const verdict = judge(
      [
        order(),
        pendingFor(60_000, { orderNumber: 'MM-OUTBOX1', inOutbox: true, records: [] }),
        pendingFor(60_000, { orderNumber: 'MM-TOPIC01', records: [{ partition: 0, offset: 12n }] }),
        order({ orderNumber: 'MM-STAGE01', status: 'processing', history: lifecycle(now - 2000).slice(0, 2) }),
      ],
      committed,
      now,
    );
    expect(verdict.green).toBe(true);
    expect(verdict.sentence).toBe(
      'Nothing lost: 4 accepted, 1 shipped, 1 in the outbox, 1 on the topic, 1 in a stage.',
    );
    expect(verdict.slowestMs).toBe(3000);
  });

  it('given an accepted order in neither the outbox nor on the topic, then it is lost and the verdict red', () => {
    const verdict = judge([order(), pendingFor(30_000, { orderNumber: 'MM-GONE001', records: [] })], committed, now);
    expect(verdict.green).toBe(false);
    expect(verdict.lost).toEqual([
      { orderNumber: 'MM-GONE001', reason: ' was accepted but is neither in the outbox nor on the topic' },
    ]);
    expect(verdict.sentence).toBe('Order MM-GONE001 was accepted but is neither in the outbox nor on the topic.');
  });

  it('given such an order a moment old, then it is not judged yet (its record may not be read back)', () => {
    expect(judge([pendingFor(2000, { records: [] })], committed, now).green).toBe(true);
  });

  it('given an order the group committed past that is not shipped, then nobody will work on it: lost', () => {
    const stuck = order({
      orderNumber: 'MM-STUCK01',
      status: 'confirmed',
      history: lifecycle(now - 60_000).slice(0, 3),
    });
    const verdict = judge([stuck], committed, now);
    expect(verdict.lost[0]?.reason).toBe(' is still confirmed, but the group committed past its record');
    // Ahead of the commit it is only waiting (a paused processor): not lost.
    expect(judge([stuck], new Map([[0, 5n]]), now).green).toBe(true);
    // Dead-lettered: found by an operator, counted apart.
    const letter = judge([{ ...stuck, deadLettered: true }], committed, now);
    expect(letter.green).toBe(true);
    expect(letter.deadLettered).toBe(1);
  });

  it('given a history out of order, then it is red with that order and its path', () => {
    const history = [
      { status: 'pending', at: 1 },
      { status: 'confirmed', at: 2 },
      { status: 'processing', at: 3 },
      { status: 'shipped', at: 4 },
    ];
    const verdict = judge([order({ orderNumber: 'MM-ODD0001', history })], committed, now);
    expect(verdict.green).toBe(false);
    expect(verdict.sentence).toBe(
      'Order MM-ODD0001: its history is out of order (pending → confirmed → processing → shipped).',
    );
  });

  it('counts records beyond one per order as duplicates the guards absorbed, not as problems', () => {
    const twice = order({
      records: [
        { partition: 0, offset: 5n },
        { partition: 0, offset: 7n },
      ],
    });
    const verdict = judge([twice], committed, now);
    expect(verdict.green).toBe(true);
    expect(verdict.duplicatesOnTopic).toBe(1);
  });
});

describe('the lab chart', () => {
  it('given orders accepted and shipped in the window, then each second counts its own, and older ones fall out', () => {
    const at = 1_000_500; // half a second into second 1000
    const flow = flowPerSecond(
      [
        order({ createdAt: at - 2000, history: lifecycle(at - 2000) }), // shipped 1 s after: at + 1000, beyond now
        order({ createdAt: at - 3100, history: lifecycle(at - 5000) }), // shipped at - 2000
        pendingFor(0, { createdAt: at }),
        order({ createdAt: at - 10_000, history: lifecycle(at - 10_000) }), // before the window
      ],
      at,
      5,
    );
    expect(flow.from).toBe(996_000);
    expect(flow.accepted).toEqual([0, 1, 1, 0, 1]);
    expect(flow.shipped).toEqual([0, 0, 1, 0, 0]);
  });
});
