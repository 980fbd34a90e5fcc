// The consumer loop against a fake group member (the project's own GroupMember interface) and a fake
// workflow: commits across rebalances, bounded retries, dead letters, shutdown.
import type { OrderCreatedEvent } from '@metalmart/contracts';
import { orderCreatedEvent } from '@metalmart/test-support/orders';
import { describe, expect, it } from 'vitest';
import { OrderConsumer } from '../src/consumer.ts';
import type { DeadLetter } from '../src/dead-letter.ts';
import { RequestFailedError, UnavailableError } from '../src/errors.ts';
import type { Assignment, Delivery, GroupMember } from '../src/kafka.ts';
import { quietObserver } from '../src/metrics.ts';
import type { OrderWorkflow } from '../src/workflow.ts';

const topic = 'order.created';
/** The order id of the record at (partition, offset): a UUID, as the contract requires. */
const id = (partition: number, offset: number) =>
  `00000000-0000-4000-8000-${(partition * 1_000_000 + offset).toString(16).padStart(12, '0')}`;
const eventJson = (orderId: string) => {
  const event = orderCreatedEvent();
  return JSON.stringify({ ...event, order: { ...event.order, id: orderId } });
};

/** A group member whose deliveries, assignments and commits the test controls and records. */
function fakeMember() {
  const queue: Delivery[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const listeners: ((a: Assignment) => void)[] = [];
  let current: Assignment = { generation: 0, partitions: [] };
  const commits: { partition: number; offset: bigint }[] = [];
  const member: GroupMember = {
    async consume() {
      return {
        async *[Symbol.asyncIterator]() {
          while (!closed) {
            const next = queue.shift();
            if (next) yield next;
            else await new Promise<void>((resolve) => (wake = resolve));
          }
        },
        async close() {
          closed = true;
          wake?.();
        },
      };
    },
    async commit(offsets) {
      for (const o of offsets) commits.push({ partition: o.partition, offset: o.offset });
    },
    onAssignment: (listener) => listeners.push(listener),
    get joined() {
      return current.generation > 0;
    },
    assignment: () => current,
    lag: async () => [],
    close: async () => {},
  };
  return {
    member,
    commits,
    /** The group (re)joins: generation `generation` owns `partitions`. */
    join(generation: number, partitions: number[]) {
      current = { generation, partitions: partitions.map((partition) => ({ topic, partition })) };
      for (const l of listeners) l(current);
    },
    deliver(partition: number, offset: number, generation: number, value = eventJson(id(partition, offset))) {
      queue.push({
        topic,
        partition,
        offset: BigInt(offset),
        generation,
        key: id(partition, offset),
        value: Buffer.from(value),
        headers: new Map(),
      });
      wake?.();
    },
    lastCommit: (partition: number) => commits.filter((c) => c.partition === partition).at(-1)?.offset,
  };
}

/** A workflow whose orders finish when the test says so (or fail as the test says). */
function controllableWorkflow() {
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }[]>();
  const started: string[] = [];
  const failures = new Map<string, () => Error>();
  const finished = new Set<string>(); // finished before it started: it completes at once when it does
  const workflow: OrderWorkflow = (event: OrderCreatedEvent, _source, signal) => {
    const id = event.order.id;
    started.push(id);
    const failure = failures.get(id);
    if (failure) return Promise.reject(failure());
    if (finished.has(id)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const list = pending.get(id) ?? [];
      list.push({ resolve, reject });
      pending.set(id, list);
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  };
  return {
    workflow,
    started,
    failures,
    finish(id: string) {
      finished.add(id);
      for (const p of pending.get(id) ?? []) p.resolve();
      pending.delete(id);
    },
  };
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const tick = (ms = 5) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Retries `check` until it passes (the loop runs on timers; a loaded machine is slower, never wrong). */
async function eventually(check: () => void, timeoutMs = 3000) {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await tick(5);
    }
  }
}

function consumerWith(
  member: GroupMember,
  workflow: OrderWorkflow,
  options: { maxAttempts?: number; concurrency?: number; letters?: DeadLetter[]; fenced?: string[] } = {},
) {
  const letters = options.letters ?? [];
  return new OrderConsumer({
    member,
    topic,
    groupId: 'test-group',
    concurrency: options.concurrency ?? 16,
    processOrder: workflow,
    deadLetters: {
      publish: async (letter) => {
        letters.push(letter);
      },
      close: async () => {},
    },
    log: quiet,
    shutdownGraceMs: 50,
    maxAttempts: options.maxAttempts ?? 3,
    commitIntervalMs: 5,
    wait: (_ms, signal) => (signal.aborted ? Promise.reject(new Error('aborted')) : tick(1)),
    observer: { ...quietObserver, fenced: (reason) => options.fenced?.push(reason) },
  });
}

describe('order consumer loop', () => {
  it('given a join followed by stale deliveries, then no commit passes the lowest unfinished offset', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const fenced: string[] = [];
    const consumer = consumerWith(kafka.member, flow.workflow, { fenced });
    consumer.start();
    kafka.join(1, [0]);
    for (const offset of [10, 11, 12]) kafka.deliver(0, offset, 1);
    flow.finish(id(0, 10));
    await eventually(() => expect(kafka.lastCommit(0)).toBe(11n));
    await eventually(() => expect(flow.started).toHaveLength(3));
    // Rebalance: same partition, generation 2. A late fetch delivers 13 and 14, then the stream rewinds to 11.
    kafka.join(2, [0]);
    kafka.deliver(0, 13, 2);
    kafka.deliver(0, 14, 2);
    for (const offset of [11, 12, 13, 14]) kafka.deliver(0, offset, 2);
    flow.finish(id(0, 13));
    flow.finish(id(0, 14));
    await eventually(() => expect(fenced).toHaveLength(4)); // the rewind's 11…14: already tracked
    await tick(20);
    expect(kafka.commits.every((c) => c.offset <= 11n)).toBe(true); // 11 and 12 are still in flight
    expect(flow.started.filter((started) => started === id(0, 13))).toHaveLength(1); // the rewind's duplicate was skipped
    flow.finish(id(0, 11));
    flow.finish(id(0, 12));
    await eventually(() => expect(kafka.lastCommit(0)).toBe(15n));
    await consumer.stop();
  });

  it('fences deliveries of a partition that moved to another member, and never commits it', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const fenced: string[] = [];
    const consumer = consumerWith(kafka.member, flow.workflow, { fenced });
    consumer.start();
    kafka.join(1, [0, 1]);
    kafka.join(2, [0]); // partition 1 moved away before its buffered deliveries came out
    kafka.deliver(1, 5, 1);
    kafka.deliver(0, 5, 2);
    await eventually(() => expect(flow.started).toEqual([id(0, 5)]));
    flow.finish(id(0, 5));
    await eventually(() => expect(kafka.lastCommit(0)).toBe(6n));
    expect(kafka.commits.map((c) => c.partition)).not.toContain(1);
    expect(fenced).toEqual(['not-assigned']);
    await consumer.stop();
  });

  it('given one order that keeps failing, then it is dead-lettered after the bound and its partition commits past it', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const letters: DeadLetter[] = [];
    flow.failures.set(id(0, 1), () => new RequestFailedError('Order Service refused (PUT … → 500)'));
    const consumer = consumerWith(kafka.member, flow.workflow, { maxAttempts: 4, letters });
    consumer.start();
    kafka.join(1, [0]);
    for (const offset of [0, 1, 2]) kafka.deliver(0, offset, 1);
    flow.finish(id(0, 0));
    flow.finish(id(0, 2));
    await eventually(() => expect(letters).toHaveLength(1));
    expect(flow.started.filter((started) => started === id(0, 1))).toHaveLength(4);
    expect(letters[0]?.error).toMatch(/^FAILED 4 times, last: Order Service refused/);
    expect(letters[0]?.source).toEqual({ topic, partition: 0, offset: 1n });
    await eventually(() => expect(kafka.lastCommit(0)).toBe(3n));
    await consumer.stop();
  });

  it('given an order failing when its partition moves away, then it stops retrying and is never dead-lettered', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const letters: DeadLetter[] = [];
    const fenced: string[] = [];
    // The rebalance happens while the first attempt is failing: partition 0 now belongs to another member.
    flow.failures.set(id(0, 1), () => {
      kafka.join(2, [1]);
      return new RequestFailedError('Order Service refused (POST … → 500)');
    });
    const consumer = consumerWith(kafka.member, flow.workflow, { maxAttempts: 1, letters, fenced });
    consumer.start();
    kafka.join(1, [0]);
    kafka.deliver(0, 1, 1);
    await eventually(() => expect(fenced).toEqual(['revoked']));
    await tick(20);
    expect(flow.started).toEqual([id(0, 1)]); // no second attempt
    expect(letters).toEqual([]); // maxAttempts 1 would have dead-lettered it had it still been ours
    expect(kafka.commits.map((c) => c.partition)).not.toContain(0);
    await consumer.stop();
  });

  it('never dead-letters while the Order Service is unavailable, however long', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const letters: DeadLetter[] = [];
    flow.failures.set(id(0, 0), () => new UnavailableError('Order Service unreachable'));
    const consumer = consumerWith(kafka.member, flow.workflow, { maxAttempts: 2, letters });
    consumer.start();
    kafka.join(1, [0]);
    kafka.deliver(0, 0, 1);
    await eventually(() => expect(flow.started.length).toBeGreaterThan(5));
    expect(letters).toHaveLength(0);
    flow.failures.delete(id(0, 0)); // the service is back
    flow.finish(id(0, 0));
    await eventually(() => expect(kafka.lastCommit(0)).toBe(1n));
    expect(letters).toHaveLength(0);
    await consumer.stop();
  });

  it('given a dead letter Kafka keeps refusing, then it counts as stuck, holds the commit of its partition (not its orders), and is written once Kafka takes it', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const stuck: number[] = [];
    let refusing = true;
    const written: DeadLetter[] = [];
    const consumer = new OrderConsumer({
      member: kafka.member,
      topic,
      groupId: 'test-group',
      concurrency: 4,
      processOrder: flow.workflow,
      deadLetters: {
        publish: async (letter) => {
          if (refusing) throw new Error('UNKNOWN_TOPIC_OR_PARTITION');
          written.push(letter);
        },
        close: async () => {},
      },
      log: quiet,
      shutdownGraceMs: 50,
      maxAttempts: 3,
      commitIntervalMs: 5,
      wait: () => tick(1),
      observer: { ...quietObserver, deadLetterStuck: (delta) => stuck.push(delta) },
    });
    consumer.start();
    kafka.join(1, [0]);
    kafka.deliver(0, 0, 1, 'not json');
    kafka.deliver(0, 1, 1);
    flow.finish(id(0, 1));
    await eventually(() => expect(stuck).toEqual([1]));
    expect(kafka.commits.every((c) => c.offset === 0n)).toBe(true); // nothing committed past the stuck letter
    expect(flow.started).toContain(id(0, 1)); // the order behind it was handled all the same
    refusing = false;
    await eventually(() => expect(written).toHaveLength(1));
    expect(stuck).toEqual([1, -1]);
    await eventually(() => expect(kafka.lastCommit(0)).toBe(2n));
    await consumer.stop();
  });

  it('dead-letters a message that is not the contract at once', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const letters: DeadLetter[] = [];
    const consumer = consumerWith(kafka.member, flow.workflow, { letters });
    consumer.start();
    kafka.join(1, [0]);
    kafka.deliver(0, 0, 1, 'not json');
    kafka.deliver(0, 1, 1, JSON.stringify({ type: 'order.created', version: 2 }));
    await eventually(() => expect(kafka.lastCommit(0)).toBe(2n));
    expect(flow.started).toEqual([]);
    expect(letters.map((l) => l.error.split(':')[0])).toEqual(['POISON', 'POISON']);
    await consumer.stop();
  });

  it('after stop() starts no further order, even with deliveries buffered', async () => {
    const kafka = fakeMember();
    const flow = controllableWorkflow();
    const consumer = consumerWith(kafka.member, flow.workflow, { concurrency: 1 });
    consumer.start();
    kafka.join(1, [0]);
    for (const offset of [0, 1, 2]) kafka.deliver(0, offset, 1);
    await eventually(() => expect(flow.started).toEqual([id(0, 0)]));
    await tick(20);
    expect(flow.started).toEqual([id(0, 0)]); // concurrency 1: the others wait
    const stopped = consumer.stop();
    flow.finish(id(0, 0));
    await stopped;
    expect(flow.started).toEqual([id(0, 0)]);
    expect(kafka.lastCommit(0)).toBe(1n);
  });
});
