import type { ClusterMetadata, ExtendedGroupProtocolSubscription } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { subscriptionAwareAssigner } from '../src/assignor.ts';

function metadata(topics: Record<string, number>): ClusterMetadata {
  return {
    topics: new Map(Object.entries(topics).map(([name, partitionsCount]) => [name, { partitionsCount }])),
  } as unknown as ClusterMetadata;
}
function members(subscriptions: Record<string, string[]>) {
  return new Map<string, ExtendedGroupProtocolSubscription>(
    Object.entries(subscriptions).map(([memberId, topics]) => [memberId, { memberId, version: 1, topics }]),
  );
}
function assign(subscriptions: Record<string, string[]>, topics: Record<string, number>) {
  const result = subscriptionAwareAssigner('a', members(subscriptions), new Set(['order.created']), metadata(topics));
  return Object.fromEntries(
    result.map((m) => [m.memberId, Object.fromEntries([...m.assignments].map(([t, a]) => [t, a.partitions]))]),
  );
}

describe('subscription-aware assigner', () => {
  it('gives each member only partitions of topics it subscribes to (mirrord: another topic in the same group)', () => {
    const result = assign(
      { a: ['order.created'], b: ['order.created'], java: ['mirrord-tmp-x-order.created'] },
      { 'order.created': 6, 'mirrord-tmp-x-order.created': 1 },
    );
    expect(result).toEqual({
      a: { 'order.created': [0, 2, 4] },
      b: { 'order.created': [1, 3, 5] },
      java: { 'mirrord-tmp-x-order.created': [0] },
    });
  });

  it('assigns topics the leader does not subscribe to, and every partition exactly once', () => {
    const result = assign({ a: ['t1'], b: ['t1', 't2'], c: ['t2'] }, { t1: 4, t2: 3 });
    const owners = Object.values(result).flatMap((m) =>
      Object.entries(m).flatMap(([t, ps]) => (ps as number[]).map((x) => `${t}-${x}`)),
    );
    expect(owners.sort()).toEqual(['t1-0', 't1-1', 't1-2', 't1-3', 't2-0', 't2-1', 't2-2']);
    expect(Object.keys(result.a ?? {})).toEqual(['t1']);
    expect(Object.keys(result.c ?? {})).toEqual(['t2']);
  });

  it('gives nothing for a subscribed topic the cluster does not know (yet)', () => {
    expect(assign({ a: ['order.created', 'missing'] }, { 'order.created': 2 })).toEqual({
      a: { 'order.created': [0, 1] },
    });
  });
});
