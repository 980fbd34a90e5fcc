import { setTimeout as sleep } from 'node:timers/promises';
import { BACKOFFS, backoffDelay } from '@metalmart/contracts';
import type pg from 'pg';
import type { EventProducer } from '../kafka/producer.ts';
import { withClient } from '../store/pool.ts';
import type { OutboxMessage } from './message.ts';

type ClaimedRow = OutboxMessage & { id: string; attempts: number; createdAt: Date };

export interface OutboxRelayOptions {
  pool: pg.Pool;
  producer: EventProducer;
  log: { info(msg: string): void; warn(msg: string): void; error(obj: unknown, msg: string): void };
  /** Safety-net poll for rows nobody woke us for (a crash, another instance's rows). */
  pollIntervalMs: number;
  /** How long `waitUntilPublished` waits for the ack (PUBLISH_WAIT_MS). */
  publishWaitMs: number;
  batchSize?: number;
  /** Told about every acknowledged batch and failed send (metrics). */
  observer?: {
    published(createdAt: Date[], resent: number): void;
    failedSend(): void;
  };
}

// The oldest unpublished rows, skipping rows another relay holds, and never a row whose key has an older
// unpublished row (so two instances cannot reorder one order's events).
const CLAIM = `
SELECT o.id, o.event_id AS "eventId", o.topic, o.message_key AS key, o.payload, o.headers, o.attempts, o.created_at AS "createdAt"
  FROM outbox o
 WHERE o.published_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM outbox older
                    WHERE older.message_key = o.message_key AND older.published_at IS NULL AND older.id < o.id)
 ORDER BY o.id
 LIMIT $1
   FOR UPDATE SKIP LOCKED`;

/** How often waiting requests look for their events published by another instance's relay. */
const OTHERS_CHECK_MS = 50;

/**
 * Publishes outbox rows to Kafka. Woken in-process right after an order commits (so an event reaches Kafka
 * within milliseconds), and polling as the safety net. Retries with backoff while Kafka is down.
 */
export class OutboxRelay {
  readonly #opts: Required<OutboxRelayOptions>;
  readonly #waiters = new Map<string, () => void>();
  #wake: (() => void) | undefined;
  #woken = false;
  #running = false;
  #loop: Promise<void> | undefined;
  #failures = 0;
  #otherRelaysWatch: NodeJS.Timeout | undefined;
  #checkingOthers = false;
  /** Events published after an earlier attempt had failed: each may be a duplicate on the topic. */
  readonly stats = { published: 0, resent: 0, sendAttempts: 0, failedSends: 0 };

  constructor(opts: OutboxRelayOptions) {
    this.#opts = { batchSize: 500, observer: { published() {}, failedSend() {} }, ...opts };
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#otherRelaysWatch);
    this.#wake?.();
    await this.#loop;
  }

  /**
   * Ask for a drain now (after a commit). Cheap; many wakes collapse into one drain. While Kafka refuses sends
   * it only marks the outbox dirty: the backoff holds, so incoming orders never turn an outage into a send storm.
   */
  wake(): void {
    this.#woken = true;
    if (this.#failures === 0) this.#wake?.();
  }

  /**
   * For an event just committed to the outbox: wakes the relay and resolves true once the event is on Kafka, or
   * false after `publishWaitMs` (it stays durable in the outbox and goes out when Kafka answers).
   */
  async waitUntilPublished(eventId: string): Promise<boolean> {
    const published = new Promise<boolean>((resolve) => this.#waiters.set(eventId, () => resolve(true)));
    this.wake();
    this.#watchOtherRelays();
    const timeout = sleep(this.#opts.publishWaitMs, false, { ref: false });
    const result = await Promise.race([published, timeout]);
    this.#waiters.delete(eventId);
    return result;
  }

  /**
   * Another instance's relay may claim and publish our rows (every relay takes the oldest unpublished ones), and
   * nothing tells this one. While requests wait, ask PostgreSQL every OTHERS_CHECK_MS which of their events are
   * published — one indexed lookup for all of them; with a single instance the waits end before it ever runs.
   */
  #watchOtherRelays(): void {
    if (this.#otherRelaysWatch) return;
    this.#otherRelaysWatch = setInterval(async () => {
      if (this.#waiters.size === 0) {
        clearInterval(this.#otherRelaysWatch);
        this.#otherRelaysWatch = undefined;
        return;
      }
      if (this.#checkingOthers) return;
      this.#checkingOthers = true;
      try {
        const { rows } = await this.#opts.pool.query<{ eventId: string }>({
          name: 'outbox-published-elsewhere',
          text: 'SELECT event_id AS "eventId" FROM outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL',
          values: [[...this.#waiters.keys()]],
        });
        for (const { eventId } of rows) this.#waiters.get(eventId)?.();
      } catch {
        // PostgreSQL away: the waits end by their timeout, and the events are durable in the outbox.
      } finally {
        this.#checkingOthers = false;
      }
    }, OTHERS_CHECK_MS);
    this.#otherRelaysWatch.unref();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#woken = false;
      let published = 0;
      try {
        published = await this.drainOnce();
        if (this.#failures > 0) this.#opts.log.info('Kafka is reachable again; outbox relay resumed');
        this.#failures = 0;
      } catch (error) {
        this.#failures += 1;
        const delay = backoffDelay(this.#failures, BACKOFFS.relay);
        if (this.#failures === 1 || this.#failures % 10 === 0) {
          this.#opts.log.error(
            error,
            `outbox relay cannot publish (attempt ${this.#failures}); retrying in ${delay} ms`,
          );
        }
        await this.#pause(delay);
        continue;
      }
      if (published === this.#opts.batchSize || this.#woken) continue;
      await this.#pause(this.#opts.pollIntervalMs);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  /** Sends claimed rows and marks them published, or records the failure on them (resolves with it). */
  async #send(client: pg.PoolClient, rows: ClaimedRow[]): Promise<unknown> {
    const ids = rows.map((r) => r.id);
    try {
      this.stats.sendAttempts += 1;
      await this.#opts.producer.send(rows);
      await client.query({
        name: 'outbox-mark-published',
        text: 'UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])',
        values: [ids],
      });
      return undefined;
    } catch (error) {
      this.stats.failedSends += 1;
      this.#opts.observer.failedSend();
      await client.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [
        ids,
        String((error as Error).message ?? error).slice(0, 500),
      ]);
      return error;
    }
  }

  /** Claims a batch, sends it, marks it published (or records the failure), in one transaction. */
  async drainOnce(): Promise<number> {
    let rows: ClaimedRow[] = [];
    let sendError: unknown;
    await withClient(this.#opts.pool, async (client) => {
      try {
        await client.query('BEGIN');
        rows = (await client.query<ClaimedRow>({ name: 'outbox-claim', text: CLAIM, values: [this.#opts.batchSize] }))
          .rows;
        if (rows.length > 0) sendError = await this.#send(client, rows);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
    if (sendError) throw sendError;
    const resent = rows.filter((r) => r.attempts > 0).length;
    this.stats.published += rows.length;
    if (rows.length > 0)
      this.#opts.observer.published(
        rows.map((r) => r.createdAt),
        resent,
      );
    if (resent > 0) {
      this.stats.resent += resent;
      this.#opts.log.warn(
        `published ${resent} event(s) again after a failed attempt (possible duplicates on the topic; ${this.stats.resent} so far)`,
      );
    }
    for (const row of rows) this.#waiters.get(row.eventId)?.();
    return rows.length;
  }
}
