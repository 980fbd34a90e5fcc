import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../src/offset-tracker.ts';

describe('OffsetTracker', () => {
  it('commits only up to the first unfinished message of a partition', () => {
    const tracker = new OffsetTracker<string>();
    const [a, b, c] = [0n, 1n, 2n].map((o) => tracker.start('t:0', o, `commit-${o}`));
    tracker.finish(c as never);
    tracker.finish(b as never);
    expect(tracker.takeCommittable().size).toBe(0); // offset 0 still running: nothing is safe
    tracker.finish(a as never);
    expect(tracker.takeCommittable()).toEqual(new Map([['t:0', 'commit-2']]));
    expect(tracker.takeCommittable().size).toBe(0);
  });

  it('keeps partitions independent', () => {
    const tracker = new OffsetTracker<string>();
    const p0 = tracker.start('t:0', 5n, 'p0-5');
    tracker.start('t:1', 9n, 'p1-9');
    const p1b = tracker.start('t:1', 10n, 'p1-10');
    tracker.finish(p0);
    tracker.finish(p1b);
    expect(tracker.takeCommittable()).toEqual(new Map([['t:0', 'p0-5']]));
    expect(tracker.inFlight).toBe(1);
  });

  it('ignores finishes from before a rewind (redelivery after a rebalance)', () => {
    const tracker = new OffsetTracker<string>();
    const old = tracker.start('t:0', 3n, 'old-3');
    const again = tracker.start('t:0', 3n, 'new-3'); // redelivered from the committed offset
    tracker.finish(old);
    expect(tracker.takeCommittable().size).toBe(0);
    tracker.finish(again);
    expect(tracker.takeCommittable()).toEqual(new Map([['t:0', 'new-3']]));
  });

  it('forgets everything on reset', () => {
    const tracker = new OffsetTracker<string>();
    const ticket = tracker.start('t:0', 1n, 'c1');
    tracker.reset();
    tracker.finish(ticket);
    expect(tracker.takeCommittable().size).toBe(0);
  });
});
