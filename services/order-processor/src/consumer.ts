import { setTimeout as sleep } from 'node:timers/promises';
import { BACKOFFS, backoffDelay, HEADERS, type Logger, parseOrderCreatedEvent } from '@metalmart/contracts';
import { traceIdOf } from '@metalmart/contracts/tracing';
import type { DeadLetterPublisher } from './dead-letter.ts';
import { commitsOf, onFailedAttempt, onRefusedDeadLetter, partitionKey } from './delivery-policy.ts';
import { PoisonMessageError } from './errors.ts';
import type { Delivery, DeliveryStream, GroupMember } from './kafka.ts';
import { type ProcessorObserver, quietObserver } from './metrics.ts';
import { OffsetTracker, type Ticket } from './offset-tracker.ts';
import { inDeliverySpan, noteOnDelivery } from './spans.ts';
import type { OrderWorkflow } from './workflow.ts';

export interface OrderConsumerDeps {
  member: GroupMember;
  topic: string;
  /** For the spans' messaging.consumer.group.name. */
  groupId: string;
  concurrency: number;
  processOrder: OrderWorkflow;
  deadLetters: DeadLetterPublisher;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  shutdownGraceMs: number;
  /** Failed attempts (not counting the Order Service being unavailable) before a message is dead-lettered. */
  maxAttempts: number;
  commitIntervalMs?: number;
  /** Injected so unit tests run without waiting. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  observer?: ProcessorObserver;
}

/**
 * The consumer loop: reads `order.created`, handles up to `concurrency` orders at once (never one at a time
 * per partition), and commits per partition only the offset below which every message is done.
 */
export class OrderConsumer {
  readonly #deps: OrderConsumerDeps;
  readonly #wait: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #observer: ProcessorObserver;
  readonly #tracker = new OffsetTracker();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController(); // aborts in-flight orders (after the grace period)
  readonly #stopping = new AbortController(); // stops fetching and starting orders
  /** Wakes the loop waiting for a free slot (an order finished, or stop()). */
  #slotFreed: (() => void) | undefined;
  #stream: DeliveryStream | undefined;
  #loop: Promise<void> | undefined;
  #commitTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(deps: OrderConsumerDeps) {
    this.#deps = deps;
    this.#wait = deps.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }));
    this.#observer = deps.observer ?? quietObserver;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Tracker entries held in memory (unfinished, and finished ones waiting behind them). */
  get held(): number {
    return this.#tracker.held;
  }

  get joined(): boolean {
    return this.#stream !== undefined && this.#deps.member.joined;
  }

  /** Subscribes and consumes until stop(); a lost broker means resubscribing with backoff, never exiting. */
  start(): void {
    this.#deps.member.onAssignment(({ generation, partitions }) => {
      this.#observer.rebalanced();
      this.#tracker.assign(
        partitions.map((p) => partitionKey(p.topic, p.partition)),
        generation,
      );
    });
    this.#commitTimer = setInterval(() => void this.#flushCommits(), this.#deps.commitIntervalMs ?? 200);
    this.#loop = this.#consumeUntilStopped();
  }

  async #consumeUntilStopped(): Promise<void> {
    const signal = this.#stopping.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        this.#stream = await this.#deps.member.consume(this.#deps.topic);
        if (failures > 0) this.#deps.log.info('Kafka is reachable again; consuming');
        failures = 0;
        await this.#run(this.#stream);
        if (!signal.aborted) throw new Error('the message stream ended');
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        const delay = backoffDelay(failures, BACKOFFS.resubscribe);
        this.#deps.log.warn(`Kafka consumer lost (${(error as Error).message}); subscribing again in ${delay} ms`);
        this.#stream = undefined;
        await this.#wait(delay, signal).catch(() => {});
      }
    }
  }

  async #run(stream: DeliveryStream): Promise<void> {
    const stopping = this.#stopping.signal;
    for await (const delivery of stream) {
      if (stopping.aborted) break;
      const { topic, partition, offset, key } = delivery;
      const ticket = this.#tracker.start(partitionKey(topic, partition), offset, delivery.generation);
      if (typeof ticket === 'string') {
        this.#observer.fenced(ticket); // not ours any more, fetched for an old assignment, or already handled here
        continue;
      }
      const traceId = traceIdOf(delivery.headers.get(HEADERS.traceparent));
      this.#deps.log.info({ topic, partition, offset: offset.toString(), key, traceId }, 'Received message');
      this.#observer.received();
      const handled = inDeliverySpan(delivery, this.#deps.groupId, () => this.#handle(delivery, ticket, traceId));
      const work = handled.finally(() => {
        this.#inFlight.delete(work);
        this.#slotFreed?.();
      });
      this.#inFlight.add(work);
      while (this.#inFlight.size >= this.#deps.concurrency && !stopping.aborted)
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
      if (stopping.aborted) break;
    }
  }

  async #handle(delivery: Delivery, ticket: Ticket, traceId: string | undefined): Promise<void> {
    const signal = this.#abort.signal;
    const source = { topic: delivery.topic, partition: delivery.partition, offset: delivery.offset, traceId };
    const where = { ...source, offset: source.offset.toString() };
    let failed = 0;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        const parsed = parseOrderCreatedEvent(delivery.value);
        if (!parsed.ok) throw new PoisonMessageError(parsed.error);
        await this.#deps.processOrder(parsed.value, source, signal, attempt);
        this.#observer.completed();
        this.#tracker.finish(ticket);
        return;
      } catch (error) {
        if (signal.aborted) return; // shutting down: not done, so not committed; redelivered later
        if (this.#revoked(ticket, where)) return;
        const decision = onFailedAttempt(error, { attempt, failed }, this.#deps.maxAttempts);
        failed = decision.failed;
        if (decision.action === 'dead-letter') {
          noteOnDelivery('dead-lettered', { reason: decision.reason });
          if (await this.#deadLetter(delivery, decision.reason, traceId)) {
            this.#observer.deadLettered(decision.kind);
            this.#tracker.finish(ticket);
          }
          return;
        }
        const { code, delayMs: delay } = decision;
        this.#observer.retried(code);
        noteOnDelivery('retry', { code, attempt });
        // Not a bad message: keep it (the workflow resumes from the order's current status).
        const message = (error as Error).message;
        this.#deps.log.warn({ ...where, code, attempt, failed, delay }, `order handling failed (${message}); retrying`);
        await this.#wait(delay, signal).catch(() => {});
        if (this.#revoked(ticket, where)) return;
      }
    }
  }

  /**
   * Its partition moved to another member (or away and back: a new ownership re-reads it from the committed
   * offset): the new owner handles the order, so this attempt stops retrying and never dead-letters it.
   */
  #revoked(ticket: Ticket, where: object): boolean {
    if (this.#tracker.owns(ticket)) return false;
    this.#observer.fenced('revoked');
    this.#deps.log.info(where, 'partition revoked: leaving the order to its new owner');
    return true;
  }

  async #deadLetter(delivery: Delivery, reason: string, traceId: string | undefined): Promise<boolean> {
    const source = { topic: delivery.topic, partition: delivery.partition, offset: delivery.offset };
    this.#deps.log.warn(
      { ...source, offset: source.offset.toString(), traceId, reason },
      'message → dead-letter topic',
    );
    let stuck = false;
    try {
      for (let attempt = 1; !this.#abort.signal.aborted; attempt++) {
        try {
          await this.#deps.deadLetters.publish({
            key: delivery.key,
            value: delivery.value,
            headers: delivery.headers,
            error: reason,
            source,
          });
          if (stuck) this.#deps.log.info({ ...source, offset: source.offset.toString() }, 'stuck dead letter written');
          return true;
        } catch (error) {
          const message = (error as Error).message;
          const { delayMs, nowStuck } = onRefusedDeadLetter(attempt);
          if (nowStuck) {
            // Never dropped (nothing is lost): it keeps being retried, its partition's commits wait at its offset,
            // and the gauge and this line say so until Kafka takes it (the topic created, an ACL granted).
            stuck = true;
            this.#observer.deadLetterStuck(1);
            this.#deps.log.error(
              { ...source, offset: source.offset.toString(), traceId },
              `dead letter refused ${attempt} times (${message}): its partition does not commit past it until Kafka takes it`,
            );
          } else this.#deps.log.warn(`dead-letter publish failed (${message}); retry ${attempt}`);
          await this.#wait(delayMs, this.#abort.signal).catch(() => {});
        }
      }
      return false;
    } finally {
      if (stuck) this.#observer.deadLetterStuck(-1);
    }
  }

  /** One flush at a time, so an older offset can never be committed after a newer one. */
  #flushCommits(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const due = this.#tracker.due();
      if (due.size === 0) return;
      try {
        await this.#deps.member.commit(commitsOf(due));
        for (const [key, offset] of due) this.#tracker.committed(key, offset);
      } catch (error) {
        // Usually a rebalance in progress: the same offsets are due again at the next flush.
        this.#deps.log.warn(`commit failed (${(error as Error).message}); retrying at the next flush`);
      }
    });
    return this.#flushing;
  }

  /** Stop fetching and starting orders at once, let in-flight ones finish (up to the grace period), commit. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#slotFreed?.();
    if (this.#stream) await this.#stream.close().catch(() => {});
    const grace = new Promise((resolve) => setTimeout(resolve, this.#deps.shutdownGraceMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), grace]);
    this.#abort.abort();
    await Promise.allSettled([...this.#inFlight]);
    await this.#loop?.catch(() => {});
    clearInterval(this.#commitTimer);
    await this.#flushCommits();
  }
}
