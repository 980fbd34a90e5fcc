import { describe, expect, it } from 'vitest';
import { OffsetTracker, type Ticket } from '../src/offset-tracker.ts';

const p = 'order.created:0';

function tracker(generation = 1, partitions = [p]) {
  const t = new OffsetTracker();
  t.assign(partitions, generation);
  return t;
}
function start(t: OffsetTracker, offset: number, generation = 1): Ticket {
  const ticket = t.start(p, BigInt(offset), generation);
  if (typeof ticket === 'string') throw new Error(`fenced: ${ticket}`);
  return ticket;
}

describe('offset tracker', () => {
  it('given out-of-order finishes, when flushed, then commits only below the lowest unfinished offset', () => {
    const t = tracker();
    const [a, b, c] = [start(t, 10), start(t, 11), start(t, 12)];
    t.finish(c);
    t.finish(b);
    expect(t.due().get(p)).toBe(10n); // 10 still in flight: nothing past it (10 = "read 10 next")
    t.finish(a);
    expect(t.due().get(p)).toBe(13n);
    t.committed(p, 13n);
    expect(t.due().size).toBe(0);
  });

  it('given a commit that failed, when flushed again, then the same offset is due again', () => {
    const t = tracker();
    t.finish(start(t, 5));
    expect(t.due().get(p)).toBe(6n);
    expect(t.due().get(p)).toBe(6n); // nothing recorded as committed
  });

  it('given a rebalance that keeps the partition, when stale and rewound deliveries arrive, then no commit passes unfinished work', () => {
    const t = tracker(1);
    const first = [100, 101, 102, 103].map((o) => start(t, o));
    t.finish(first[0] as Ticket); // 100 done; 101..103 in flight
    // The group rebalances (generation 2, same partition) while 101..103 are still being handled.
    t.assign([p], 2);
    // A fetch sent before the join answers late: 104, 105 (generation 2 tag); they finish first.
    const stale = [start(t, 104, 2), start(t, 105, 2)];
    for (const s of stale) t.finish(s);
    // The stream re-reads from the committed offset (100): all of these are already tracked.
    for (const o of [100, 101, 102, 103, 104, 105]) expect(t.start(p, BigInt(o), 2)).toBe('duplicate');
    expect(t.due().get(p)).toBe(101n); // never past 101, which is still in flight
    for (const ticket of first.slice(1)) t.finish(ticket);
    expect(t.due().get(p)).toBe(106n);
  });

  it('given a partition that moved away, then it is never committed and its late finishes change nothing', () => {
    const t = tracker(1, [p, 'order.created:1']);
    const inFlight = start(t, 7);
    t.assign(['order.created:1'], 2);
    t.finish(inFlight);
    expect(t.due().has(p)).toBe(false);
    expect(t.start(p, 8n, 2)).toBe('not-assigned');
  });

  it('given a partition that comes back, when deliveries of the old period arrive, then they are fenced', () => {
    const t = tracker(1);
    start(t, 50); // unfinished when the partition moved away
    t.assign([], 2);
    t.assign([p], 3);
    expect(t.start(p, 51n, 2)).toBe('old-generation'); // buffered before the partition left
    const fresh = start(t, 40, 3); // the new period re-reads from the committed offset
    t.finish(fresh);
    expect(t.due().get(p)).toBe(41n); // the old unfinished 50 belongs to the old period: no floor, no rewind
  });

  it('given a delivery that never finishes (a refused dead letter), then a thousand finished behind it hold one run, not a thousand entries', () => {
    const t = tracker();
    const stuck = start(t, 0);
    for (let o = 1; o <= 1000; o++) t.finish(start(t, o));
    expect(t.held).toBe(2); // the stuck delivery and one run 1–1000
    expect(t.inFlight).toBe(1);
    expect(t.due().get(p)).toBe(0n); // the commit waits for it
    t.finish(stuck);
    expect(t.held).toBe(0);
    expect(t.due().get(p)).toBe(1001n);
  });

  it('given finishes out of order around unfinished deliveries, then runs merge only across finished neighbours', () => {
    const t = tracker();
    const tickets = [10, 11, 12, 13, 14, 15].map((o) => start(t, o));
    const [a, b, c, d, e, f] = tickets as [Ticket, Ticket, Ticket, Ticket, Ticket, Ticket];
    t.finish(b);
    t.finish(e);
    t.finish(c); // 11–12 one run; 13 unfinished keeps 14 apart
    expect(t.held).toBe(5); // 10, 11–12, 13, 14, 15
    t.finish(d); // 11–14 one run
    expect(t.held).toBe(3);
    expect(t.due().get(p)).toBe(10n);
    t.finish(a);
    expect(t.due().get(p)).toBe(15n);
    t.finish(f);
    expect(t.due().get(p)).toBe(16n);
    expect(t.held).toBe(0);
  });

  it('given a rewind into a finished run, then its deliveries are duplicates, and the run still holds the commit', () => {
    const t = tracker();
    const stuck = start(t, 5);
    for (let o = 6; o <= 9; o++) t.finish(start(t, o));
    for (const o of [6n, 7n, 9n]) expect(t.start(p, o, 1)).toBe('duplicate');
    const later = start(t, 10);
    t.finish(stuck);
    expect(t.due().get(p)).toBe(10n);
    t.finish(later);
    expect(t.due().get(p)).toBe(11n);
  });

  it('given a generation skipped (the member was out of the group), then even a partition it gets back is a new period', () => {
    const t = tracker(1);
    const before = start(t, 10, 1);
    t.assign([p], 2); // consecutive: the same period goes on
    expect(t.owns(before)).toBe(true);
    t.assign([p], 4); // generation 3 went on without this member: someone else may have owned the partition
    expect(t.owns(before)).toBe(false);
    expect(t.start(p, 10n, 3)).toBe('old-generation');
    expect(typeof t.start(p, 10n, 4)).toBe('object'); // read again from the commit: handled anew
  });
});
