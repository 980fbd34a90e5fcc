import { setTimeout as sleep } from 'node:timers/promises';
import { BACKOFFS, backoffDelay, type Logger } from '@metalmart/contracts';
import type pg from 'pg';
import type { EventProducer } from '../kafka/producer.ts';
import { withClient } from '../store/pool.ts';
import type { OutboxMessage } from './message.ts';

type ClaimedRow = OutboxMessage & { id: string; attempts: number; createdAt: Date };

export interface OutboxRelayOptions {
  pool: pg.Pool;
  producer: EventProducer;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Safety-net poll for rows nobody woke us for (a crash, another instance's rows). */
  pollIntervalMs: number;
  /** How long `waitUntilPublished` waits for the ack (PUBLISH_WAIT_MS). */
  publishWaitMs: number;
  batchSize?: number;
  /** Told about every acknowledged batch and failed send: the one count of them (the service's metrics). */
  observer?: {
    published(createdAt: Date[], resent: number): void;
    failedSend(): void;
  };
}

// The oldest unpublished rows, skipping rows another relay holds and parked ones, and never a row whose key has an
// older unpublished row, parked or not (so two instances cannot reorder one order's events).
const CLAIM = `
SELECT o.id, o.event_id AS "eventId", o.topic, o.message_key AS key, o.payload, o.headers, o.attempts, o.created_at AS "createdAt"
  FROM outbox o
 WHERE o.published_at IS NULL AND o.parked_at IS NULL
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
  /** Rows the current drain published (reported once its transaction committed). */
  #sent: ClaimedRow[] = [];

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

  /**
   * Sends claimed rows and marks them published, or records the failure on them (resolves with it). A batch that
   * Kafka refused for what is in it, not for being away, is sent again one row at a time: the rows it takes go out,
   * and each row it will never take as it is gets parked, so one such row never holds back the rows behind it.
   */
  async #send(client: pg.PoolClient, rows: ClaimedRow[]): Promise<unknown> {
    const error = await this.#trySend(client, rows);
    if (!error) return undefined;
    if (!unpublishable(error)) {
      await this.#recordFailure(client, rows, error);
      return error;
    }
    for (const [i, row] of rows.entries()) {
      const rowError = rows.length === 1 ? error : await this.#trySend(client, [row]);
      if (!rowError) continue;
      if (unpublishable(rowError)) {
        await this.#park(client, row, rowError);
        continue;
      }
      await this.#recordFailure(client, rows.slice(i), rowError); // Kafka went away meanwhile
      return rowError;
    }
    return undefined;
  }

  /** One send; on success the rows are marked published. Resolves with the error of a failed send. */
  async #trySend(client: pg.PoolClient, rows: ClaimedRow[]): Promise<unknown> {
    try {
      await this.#opts.producer.send(rows);
    } catch (error) {
      this.#opts.observer.failedSend();
      return error;
    }
    await client.query({
      name: 'outbox-mark-published',
      text: 'UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])',
      values: [rows.map((r) => r.id)],
    });
    this.#sent.push(...rows);
    return undefined;
  }

  async #recordFailure(client: pg.PoolClient, rows: ClaimedRow[], error: unknown): Promise<void> {
    await client.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [
      rows.map((r) => r.id),
      errorText(error),
    ]);
  }

  async #park(client: pg.PoolClient, row: ClaimedRow, error: unknown): Promise<void> {
    await client.query(
      'UPDATE outbox SET parked_at = clock_timestamp(), attempts = attempts + 1, last_error = $2 WHERE id = $1',
      [row.id, errorText(error)],
    );
    this.#opts.log.error(
      { outboxId: row.id, topic: row.topic, key: row.key, error: errorText(error) },
      'outbox event parked: Kafka will not take it as it is; republish it from the ops page once the cause is fixed',
    );
  }

  /** Claims a batch, sends it, marks it published (or records the failure), in one transaction. */
  async drainOnce(): Promise<number> {
    let rows: ClaimedRow[] = [];
    let sendError: unknown;
    this.#sent = [];
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
    const sent = this.#sent;
    this.#report(sent);
    if (sendError) throw sendError;
    return rows.length;
  }

  /** After the commit: counts, metrics, and the requests waiting for these events. */
  #report(sent: ClaimedRow[]): void {
    if (sent.length === 0) return;
    const resent = sent.filter((r) => r.attempts > 0).length;
    this.#opts.observer.published(
      sent.map((r) => r.createdAt),
      resent,
    );
    if (resent > 0) {
      this.#opts.log.warn(
        `published ${resent} event(s) again after a failed attempt (possible duplicates on the topic; metalmart_outbox_resent_total counts them)`,
      );
    }
    for (const row of sent) this.#waiters.get(row.eventId)?.();
  }
}

/** The error and what is under it (the client's errors nest: "Producing messages failed." says little alone). */
function errorText(error: unknown): string {
  const leaves = (e: unknown): string[] => {
    const { errors, message } = (e ?? {}) as { errors?: unknown[]; message?: string };
    return errors?.length ? errors.flatMap(leaves) : [message ?? String(e)];
  };
  const top = (error as Error)?.message ?? String(error);
  const under = [...new Set(leaves(error))].filter((m) => m !== top);
  return (under.length > 0 ? `${top} ${under.join('; ')}` : top).slice(0, 500);
}

/** Kafka's answers that no retry of the same record can change (as opposed to Kafka being away or busy). */
const REFUSED_AS_IS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'POLICY_VIOLATION',
]);

/**
 * True when Kafka will not take these records as they are: it refused them with one of the answers above, or the
 * topic does not exist (@platformatic/kafka: `Unknown topic <name>.` after its metadata retries).
 */
export function unpublishable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const { apiId, message, errors, cause } = e as {
      apiId?: string;
      message?: string;
      errors?: unknown[];
      cause?: unknown;
    };
    if ((apiId && REFUSED_AS_IS.has(apiId)) || /^Unknown topic /.test(message ?? '')) return true;
    return (errors ?? []).some(walk) || walk(cause);
  };
  return walk(error);
}
