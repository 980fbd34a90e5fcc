import { setTimeout as sleep } from 'node:timers/promises';
import { parseOrderCreatedEvent } from '@metalmart/contracts';
import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { DeadLetterPublisher } from './dead-letter.ts';
import { OffsetTracker, type Ticket } from './offset-tracker.ts';
import { PoisonMessageError } from './order-service-client.ts';
import type { createOrderWorkflow } from './workflow.ts';

export type OrderMessage = Message<string, Buffer, string, string>;
type Commit = () => void | Promise<void>;

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface OrderConsumerDeps {
  consumer: Consumer<string, Buffer, string, string>;
  topic: string;
  concurrency: number;
  processOrder: ReturnType<typeof createOrderWorkflow>;
  deadLetters: DeadLetterPublisher;
  log: Logger;
  shutdownGraceMs: number;
  commitIntervalMs?: number;
}

/**
 * The consumer loop: reads `order.created`, handles up to `concurrency` orders at once (never one at a time
 * per partition), and commits per partition only the offset below which every message is done.
 */
export class OrderConsumer {
  readonly #deps: OrderConsumerDeps;
  readonly #tracker = new OffsetTracker<Commit>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController(); // aborts in-flight orders (after the grace period)
  readonly #stopping = new AbortController(); // stops fetching
  #stream: MessagesStream<string, Buffer, string, string> | undefined;
  #loop: Promise<void> | undefined;
  #commitTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  readonly stats = { received: 0, completed: 0, deadLettered: 0 };

  constructor(deps: OrderConsumerDeps) {
    this.#deps = deps;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  get joined(): boolean {
    return this.#stream !== undefined && this.#deps.consumer.memberId !== null;
  }

  /** Subscribes and consumes until stop(); a lost broker means resubscribing with backoff, never exiting. */
  start(): void {
    // After a rebalance the stream re-reads from the committed offsets: forget what the old assignment tracked.
    this.#deps.consumer.on('consumer:group:join', () => this.#tracker.reset());
    this.#commitTimer = setInterval(() => void this.#flushCommits(), this.#deps.commitIntervalMs ?? 200);
    this.#loop = this.#consumeUntilStopped();
  }

  async #consumeUntilStopped(): Promise<void> {
    const signal = this.#stopping.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        this.#stream = await this.#deps.consumer.consume({
          topics: [this.#deps.topic],
          autocommit: false,
          mode: 'committed',
          // A new group starts from the beginning: no order lost on a cold start.
          fallbackMode: 'earliest',
          maxWaitTime: 500,
        });
        if (failures > 0) this.#deps.log.info('Kafka is reachable again; consuming');
        failures = 0;
        await this.#run(this.#stream);
        if (!signal.aborted) throw new Error('the message stream ended');
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        const delay = Math.min(500 * 2 ** (failures - 1), 10_000);
        this.#deps.log.warn(`Kafka consumer lost (${(error as Error).message}); subscribing again in ${delay} ms`);
        this.#stream = undefined;
        await sleep(delay, undefined, { signal }).catch(() => {});
      }
    }
  }

  async #run(stream: MessagesStream<string, Buffer, string, string>): Promise<void> {
    for await (const message of stream as AsyncIterable<OrderMessage>) {
      const { topic, partition, offset, key } = message;
      this.#deps.log.info({ topic, partition, offset: offset.toString(), key }, 'Received message');
      this.stats.received += 1;
      while (this.#inFlight.size >= this.#deps.concurrency) await Promise.race(this.#inFlight);
      if (this.#abort.signal.aborted) break;
      const ticket = this.#tracker.start(`${topic}:${partition}`, offset, () => message.commit());
      const work = this.#handle(message, ticket).finally(() => this.#inFlight.delete(work));
      this.#inFlight.add(work);
    }
  }

  async #handle(message: OrderMessage, ticket: Ticket<Commit>): Promise<void> {
    const signal = this.#abort.signal;
    const source = { topic: message.topic, partition: message.partition, offset: message.offset };
    const where = { ...source, offset: source.offset.toString() };
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        const parsed = parseOrderCreatedEvent(message.value);
        if (!parsed.ok) throw new PoisonMessageError(parsed.error);
        await this.#deps.processOrder(parsed.value, source, signal);
        this.stats.completed += 1;
        this.#tracker.finish(ticket);
        return;
      } catch (error) {
        if (signal.aborted) return; // shutting down: not done, so not committed; redelivered later
        if (error instanceof PoisonMessageError) {
          if (await this.#deadLetter(message, error.message)) this.#tracker.finish(ticket);
          return;
        }
        // Not a bad message but an unexpected failure: never skip it; try again (the workflow resumes).
        this.#deps.log.error({ err: error, ...where, attempt }, 'order handling failed; retrying');
        await sleep(Math.min(500 * attempt, 10_000), undefined, { signal }).catch(() => {});
      }
    }
  }

  async #deadLetter(message: OrderMessage, reason: string): Promise<boolean> {
    const source = { topic: message.topic, partition: message.partition, offset: message.offset };
    this.#deps.log.warn({ ...source, offset: source.offset.toString(), reason }, 'poison message → dead-letter topic');
    for (let attempt = 1; !this.#abort.signal.aborted; attempt++) {
      try {
        await this.#deps.deadLetters.publish({
          key: message.key,
          value: message.value,
          headers: message.headers,
          error: reason,
          source,
        });
        this.stats.deadLettered += 1;
        return true;
      } catch (error) {
        this.#deps.log.warn(`dead-letter publish failed (${(error as Error).message}); retry ${attempt}`);
        await sleep(Math.min(200 * 2 ** attempt, 10_000), undefined, { signal: this.#abort.signal }).catch(() => {});
      }
    }
    return false;
  }

  /** One flush at a time, so an older offset can never be committed after a newer one. */
  #flushCommits(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      for (const [partition, commit] of this.#tracker.takeCommittable()) {
        try {
          await commit();
        } catch (error) {
          // Usually a rebalance in progress; the next commit or the new owner covers it.
          this.#deps.log.warn(`commit of ${partition} failed: ${(error as Error).message}`);
        }
      }
    });
    return this.#flushing;
  }

  /** Stop fetching, let in-flight orders finish (up to the grace period), abort the rest, commit what is done. */
  async stop(): Promise<void> {
    this.#stopping.abort();
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
