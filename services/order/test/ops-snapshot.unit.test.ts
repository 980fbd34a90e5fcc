import { describe, expect, it } from 'vitest';
import type { QueueReading } from '../src/ops/kafka-queue.ts';
import { buildSnapshot, lagSeconds, rates, type Sample, withRebalance } from '../src/ops/snapshot.ts';

const T0 = Date.parse('2026-12-06T10:00:00Z');

function member(instance: string, partitions: number[]) {
  return {
    memberId: `m-${instance}`,
    clientId: `order-processor-${instance}`,
    host: '127.0.0.1',
    partitions,
    topics: [],
  };
}

function sample(at: number, reading?: Partial<QueueReading>, statuses: Record<string, number> = {}): Sample {
  return {
    at,
    reading: reading && {
      endOffsets: [],
      committed: [],
      group: { state: 'Stable', members: [] },
      ...reading,
    },
    cluster: null,
    kafkaError: null,
    statuses,
    outbox: { unpublished: 0, parked: 0, oldestAgeSeconds: null },
    transitions: [],
  };
}

describe('the rebalance timeline', () => {
  it('given an empty group at the first sample, records nothing (nobody joined yet)', () => {
    expect(withRebalance([], sample(T0, {}), true, 20)).toEqual([]);
  });

  it('given a member joining, then the same assignment again, records one entry, newest first', () => {
    const joined = sample(T0 + 1000, { group: { state: 'Stable', members: [member('a', [0, 1, 2])] } });
    const once = withRebalance([], joined, false, 20);
    expect(once).toEqual([{ at: '2026-12-06T10:00:01.000Z', state: 'Stable', assignment: { a: [0, 1, 2] } }]);
    expect(withRebalance(once, { ...joined, at: T0 + 2000 }, false, 20)).toEqual(once);

    const shared = sample(T0 + 3000, {
      group: { state: 'Stable', members: [member('a', [0, 1]), member('b', [2])] },
    });
    const twice = withRebalance(once, shared, false, 20);
    expect(twice.map((r) => r.assignment)).toEqual([{ a: [0, 1], b: [2] }, { a: [0, 1, 2] }]);
  });

  it('given a state change with the same members, records it; keeps at most `keep` entries', () => {
    let timeline = withRebalance([], sample(T0, { group: { state: 'Stable', members: [member('a', [0])] } }), false, 2);
    for (const [i, state] of ['PreparingRebalance', 'CompletingRebalance', 'Stable'].entries()) {
      timeline = withRebalance(
        timeline,
        sample(T0 + (i + 1) * 1000, { group: { state, members: [member('a', [0])] } }),
        false,
        2,
      );
    }
    expect(timeline.map((r) => r.state)).toEqual(['Stable', 'CompletingRebalance']);
  });

  it('given Kafka unreadable (no reading), leaves the timeline as it was', () => {
    const timeline = withRebalance(
      [],
      sample(T0, { group: { state: 'Stable', members: [member('a', [0])] } }),
      true,
      20,
    );
    expect(withRebalance(timeline, sample(T0 + 1000), false, 20)).toEqual(timeline);
  });
});

describe('rates', () => {
  it('gives per-second rates between samples, to one decimal, never negative', () => {
    const history = [
      sample(T0, undefined, { shipped: 10 }),
      sample(T0 + 2000, undefined, { shipped: 15 }),
      sample(T0 + 3000, undefined, { shipped: 15 }),
      sample(T0 + 4000, undefined, { shipped: 12 }), // a database reset: not a negative rate
      sample(T0 + 7000, undefined, { shipped: 22 }),
    ];
    expect(rates(history, (s) => s.statuses.shipped ?? 0)).toEqual([2.5, 0, 0, 3.3]);
  });
});

describe('lag in seconds', () => {
  it('is the age of the oldest sample whose end offset had already passed the committed offset', () => {
    const history = [
      sample(T0, { endOffsets: [5n] }),
      sample(T0 + 1000, { endOffsets: [8n] }), // offset 5 arrived here
      sample(T0 + 2000, { endOffsets: [9n] }),
      sample(T0 + 3500, { endOffsets: [9n] }),
    ];
    expect(lagSeconds(history, 0, 5n, T0 + 3500)).toBe(2.5);
    // Everything since the oldest sample kept: a lower bound, the age of that sample.
    expect(lagSeconds(history, 0, 2n, T0 + 3500)).toBe(3.5);
  });
});

describe('buildSnapshot', () => {
  it('given offsets and members, gives each partition its owner, lag and lag in seconds, and every status', () => {
    const reading = {
      endOffsets: [10n, 4n, 7n],
      committed: [10n, null, 5n],
      group: { state: 'Stable', members: [member('a', [0, 2]), { ...member('x', [1]), clientId: 'console-consumer' }] },
    };
    const history = [sample(T0, { ...reading, endOffsets: [10n, 4n, 6n] }), sample(T0 + 1000, reading, { pending: 3 })];
    const latest = history[1] as Sample;
    const snapshot = buildSnapshot(latest, history, [], { topic: 'order.created', groupId: 'order-processor' });

    expect(snapshot.partitions).toEqual([
      { partition: 0, owner: 'a', endOffset: '10', committed: '10', lag: 0, lagSeconds: null },
      { partition: 1, owner: 'console-consumer', endOffset: '4', committed: null, lag: 4, lagSeconds: 1 },
      { partition: 2, owner: 'a', endOffset: '7', committed: '5', lag: 2, lagSeconds: 1 },
    ]);
    expect(snapshot.statuses).toEqual({ pending: 3, processing: 0, confirmed: 0, shipped: 0 });
    expect(snapshot.group.members.map((m) => m.instance)).toEqual(['a', 'console-consumer']);
    expect(snapshot.rates.accepted).toEqual([3]);
  });

  it('given Kafka unreadable, still answers with the database side and an UNKNOWN group', () => {
    const latest = { ...sample(T0, undefined, { shipped: 2 }), kafkaError: 'connect ECONNREFUSED' };
    const snapshot = buildSnapshot(latest, [latest], [], { topic: 't', groupId: 'g' });
    expect(snapshot).toMatchObject({ kafkaError: 'connect ECONNREFUSED', partitions: [], group: { state: 'UNKNOWN' } });
    expect(snapshot.statuses.shipped).toBe(2);
  });
});
