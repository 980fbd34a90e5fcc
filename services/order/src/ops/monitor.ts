// The live pipeline page's data: Kafka (via the admin API) and PostgreSQL sampled once a second while someone
// watches, with the last minute kept for the rates, the lag in seconds and the rebalance timeline (the
// arithmetic over the samples is snapshot.ts's).
import type { OpsDeadLetter, OpsRebalance, OpsSnapshot } from '@metalmart/contracts';
import type { KafkaConnection } from '@metalmart/contracts/kafka-connection';
import type pg from 'pg';
import { outboxBacklog } from '../outbox/backlog.ts';
import { listDeadLetters } from './dead-letters.ts';
import type { KafkaQueue } from './kafka-queue.ts';
import { buildSnapshot, type Sample, withRebalance } from './snapshot.ts';

const HISTORY = 61; // one minute of per-second rates
const WATCHED_FOR_MS = 30_000; // sampling stops this long after the last request
const TIMELINE = 20;

const STATUS_COUNTS = 'SELECT status, count(*)::int AS n FROM orders GROUP BY status';
const LATEST_TRANSITIONS = `
SELECT o.order_number AS "orderNumber", h.status, h.at, h.processor_instance AS instance,
       h.kafka_partition AS partition, h.kafka_offset::text AS "offset"
  FROM order_status_history h JOIN orders o ON o.id = h.order_id
 WHERE h.processor_instance IS NOT NULL
 ORDER BY h.at DESC LIMIT 12`;

export function createOpsMonitor(opts: {
  queue: KafkaQueue;
  pool: pg.Pool;
  kafka: KafkaConnection;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  sampleEveryMs?: number;
}) {
  const every = opts.sampleEveryMs ?? 1000;
  const history: Sample[] = [];
  let rebalances: OpsRebalance[] = [];
  let watchedAt = 0;
  let sampling: Promise<Sample> | undefined;
  let letters: { key: string; list: OpsDeadLetter[] } | undefined;

  async function takeSample(): Promise<Sample> {
    // The cluster apart from the queue: with a partition offline the queue cannot be read, and that partition
    // is what the cluster view has to show.
    const [reading, cluster, statuses, outbox, transitions] = await Promise.allSettled([
      opts.queue.read(),
      opts.queue.cluster(),
      opts.pool.query<{ status: string; n: number }>(STATUS_COUNTS),
      outboxBacklog(opts.pool),
      opts.pool.query<OpsSnapshot['transitions'][number] & { at: Date }>(LATEST_TRANSITIONS),
    ]);
    if (statuses.status === 'rejected') throw statuses.reason;
    const sample: Sample = {
      at: Date.now(),
      reading: reading.status === 'fulfilled' ? reading.value : undefined,
      cluster: cluster.status === 'fulfilled' ? cluster.value : null,
      kafkaError: errorOf(reading) ?? errorOf(cluster),
      statuses: Object.fromEntries(statuses.value.rows.map((r) => [r.status, r.n])),
      outbox:
        outbox.status === 'fulfilled'
          ? {
              unpublished: outbox.value.unpublished,
              parked: outbox.value.parked,
              oldestAgeSeconds: outbox.value.oldestUnpublishedSeconds,
            }
          : { unpublished: 0, parked: 0, oldestAgeSeconds: null },
      transitions:
        transitions.status === 'fulfilled'
          ? transitions.value.rows.map((t) => ({ ...t, at: new Date(t.at).toISOString() }))
          : [],
    };
    rebalances = withRebalance(rebalances, sample, history.length === 0, TIMELINE);
    history.push(sample);
    if (history.length > HISTORY) history.shift();
    return sample;
  }

  /** One sample at a time; a request finding a fresh one (less than one interval old) uses it. */
  function sample(): Promise<Sample> {
    const latest = history.at(-1);
    if (latest && Date.now() - latest.at < every) return Promise.resolve(latest);
    sampling ??= takeSample().finally(() => {
      sampling = undefined;
    });
    return sampling;
  }

  const timer = setInterval(() => {
    if (Date.now() - watchedAt < WATCHED_FOR_MS) sample().catch(() => {});
  }, every);
  timer.unref();

  return {
    async snapshot(): Promise<OpsSnapshot> {
      watchedAt = Date.now();
      return buildSnapshot(await sample(), history, rebalances, opts);
    },

    /** Re-read only when the dead-letter topic grew: reading it means consuming all of it. */
    async deadLetters(): Promise<OpsDeadLetter[]> {
      const key = (await opts.queue.deadLetterEnds()).join(',');
      if (letters?.key === key) return letters.list;
      const list = (await listDeadLetters(opts.kafka, opts)).map((l) => ({
        id: l.offset.toString(),
        at: l.timestamp.toISOString(),
        reason: l.reason,
        source: l.source,
        key: l.key ?? null,
      }));
      letters = { key, list: list.reverse() };
      return letters.list;
    },

    close(): void {
      clearInterval(timer);
    },
  };
}

function errorOf(result: PromiseSettledResult<unknown>): string | null {
  return result.status === 'rejected' ? String((result.reason as Error).message ?? result.reason) : null;
}
