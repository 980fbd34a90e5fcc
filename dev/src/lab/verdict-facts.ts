// What the verdict judges, read from the two sources of truth (never from logs): PostgreSQL (the orders accepted
// since the lab began, their histories, the outbox) and Kafka (each order's records on the topic and the dead-letter
// topic, read incrementally from where the lab began; the processors' committed offsets).
import { randomBytes } from 'node:crypto';
import { deadLetterTopicOf, ORDER_STATUSES, type OrderStatus, partitionLag } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { Admin, Consumer, stringDeserializers } from '@platformatic/kafka';
import pg from 'pg';
import { FLOW_WINDOW_SECONDS, type Flow, flowPerSecond, judge, type OrderFacts, type Verdict } from './verdict.ts';

/** The verdict with the chart's data: accepted and shipped a second, and lag as sampled at each reading. */
export interface LabVerdict extends Verdict {
  flow: Flow & { lag: { at: number; records: number }[] };
}

export interface VerdictSource {
  /** When the lab began: orders accepted before it are not judged. */
  readonly since: Date;
  verdict(): Promise<LabVerdict>;
  close(): Promise<void>;
}

export interface VerdictSourceOptions {
  databaseUrl: string;
  kafka: KafkaConnection;
  topic: string;
  /** The processors' consumer group (its commits say what was handled). */
  groupId: string;
  graceMs?: number;
}

/** Where each key's records are, read from the lab's start on, a little more at each call. */
class TopicIndex {
  readonly keys = new Map<string, { partition: number; offset: bigint }[]>();
  /** Next offset to read per partition; a partition first seen later (the topic grew) is read from its start. */
  readonly #next = new Map<number, bigint>();
  readonly topic: string;
  constructor(topic: string, starts: bigint[]) {
    this.topic = topic;
    for (const [partition, offset] of starts.entries()) this.#next.set(partition, offset);
  }

  async catchUp(consumer: Consumer<string, string, string, string>, ends: bigint[]): Promise<void> {
    const behind = ends
      .map((end, partition) => ({ partition, from: this.#next.get(partition) ?? 0n, end }))
      .filter((p) => p.from < p.end);
    if (behind.length === 0) return;
    const pending = new Set(behind.map((p) => p.partition));
    const stream = await consumer.consume({
      topics: [this.topic],
      mode: 'manual',
      offsets: behind.map((p) => ({ topic: this.topic, partition: p.partition, offset: p.from })),
      autocommit: false,
      maxWaitTime: 200,
    });
    const timer = setTimeout(() => void stream.close(), 30_000); // a safety net: the ends exist, they were listed
    try {
      for await (const m of stream) {
        const at = { partition: m.partition, offset: m.offset };
        if (m.key) this.keys.set(m.key, [...(this.keys.get(m.key) ?? []), at]);
        this.#next.set(m.partition, m.offset + 1n);
        if (m.offset + 1n >= (ends[m.partition] ?? 0n)) pending.delete(m.partition);
        if (pending.size === 0) break;
      }
    } finally {
      clearTimeout(timer);
      await stream.close();
    }
  }
}

const ORDERS_SQL = `
SELECT o.id, o.order_number AS "orderNumber", o.status, (extract(epoch FROM o.created_at) * 1000)::float8 AS "createdAt",
       (SELECT coalesce(json_agg(json_build_object('status', h.status, 'at', (extract(epoch FROM h.at) * 1000)::float8)
                                 ORDER BY h.at, array_position($2::text[], h.status)), '[]'::json)
          FROM order_status_history h WHERE h.order_id = o.id) AS history,
       EXISTS (SELECT 1 FROM outbox x WHERE x.message_key = o.id::text AND x.published_at IS NULL) AS "inOutbox"
  FROM orders o
 WHERE o.created_at >= $1`;

interface OrderRow {
  id: string;
  orderNumber: string;
  status: OrderStatus;
  createdAt: number;
  history: { status: string; at: number }[];
  inOutbox: boolean;
}

export async function createVerdictSource(opts: VerdictSourceOptions): Promise<VerdictSource> {
  // Bounded waits: while PostgreSQL is frozen the page gets a 503, not a request that hangs.
  const db = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: 2,
    query_timeout: 5000,
    connectionTimeoutMillis: 5000,
  });
  // An idle connection lost (PostgreSQL crashed, restarted by the watchdog): the next query opens another.
  db.on('error', () => {});
  const admin = new Admin({ clientId: 'metalmart-lab', ...clientOptions(opts.kafka), timeout: 5000, retries: 2 });
  const consumer = new Consumer<string, string, string, string>({
    clientId: 'metalmart-lab',
    // Manual offsets: it joins no group and commits nothing; the id only names it.
    groupId: `metalmart-lab-${randomBytes(4).toString('hex')}`,
    ...clientOptions(opts.kafka),
    deserializers: stringDeserializers,
  });
  const dlqTopic = deadLetterTopicOf(opts.topic);
  const endsOf = async (topic: string): Promise<bigint[]> => {
    if (!(await admin.listTopics()).includes(topic)) return [];
    return (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
  };
  // The lab's window: orders from now on, records from the current ends on (a dead-letter topic made later: all).
  const since = new Date();
  const records = new TopicIndex(opts.topic, await endsOf(opts.topic));
  const letters = new TopicIndex(dlqTopic, await endsOf(dlqTopic));
  // Lag has no history in PostgreSQL: it is sampled at each reading (the page reads every few seconds).
  const lagSamples: { at: number; records: number }[] = [];

  return {
    since,
    async verdict() {
      const ends = await endsOf(opts.topic);
      await records.catchUp(consumer, ends);
      await letters.catchUp(consumer, await endsOf(dlqTopic));
      const partitionIndexes = ends.map((_, partition) => partition);
      // The commits before the orders: the group commits an order's record only after it shipped, so an order
      // read afterwards that is not shipped although committed past really is stuck, not merely read too early.
      const commits = await admin.listConsumerGroupOffsets({
        groups: [{ groupId: opts.groupId, topics: [{ name: opts.topic, partitionIndexes }] }],
      });
      const { rows } = await db.query<OrderRow>(ORDERS_SQL, [since, ORDER_STATUSES]);
      const committed = new Map<number, bigint | null>();
      for (const p of commits[0]?.topics.find((t) => t.name === opts.topic)?.partitions ?? [])
        committed.set(p.partitionIndex, p.committedOffset < 0n ? null : p.committedOffset);
      const facts: OrderFacts[] = rows.map((row) => ({
        orderNumber: row.orderNumber,
        status: row.status,
        createdAt: row.createdAt,
        history: row.history,
        inOutbox: row.inOutbox,
        records: records.keys.get(row.id) ?? [],
        deadLettered: letters.keys.has(row.id),
      }));
      const now = Date.now();
      const lag = ends.reduce((sum, end, p) => sum + partitionLag(end, committed.get(p)), 0);
      lagSamples.push({ at: now, records: lag });
      while ((lagSamples[0]?.at ?? now) < now - FLOW_WINDOW_SECONDS * 1000) lagSamples.shift();
      return {
        ...judge(facts, committed, now, opts.graceMs),
        flow: { ...flowPerSecond(facts, now), lag: [...lagSamples] },
      };
    },
    async close() {
      await Promise.allSettled([consumer.close(true), admin.close(), db.end()]);
    },
  };
}
