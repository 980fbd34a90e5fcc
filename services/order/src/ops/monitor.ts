// The live pipeline page's data: Kafka (via the admin API) and PostgreSQL sampled once a second while someone
// watches, with the last minute kept for the rates, the lag in seconds and the rebalance timeline.
import {
  instanceOfClientId,
  type OpsCluster,
  type OpsDeadLetter,
  type OpsRebalance,
  type OpsSnapshot,
  ORDER_STATUSES,
  partitionLag,
} from '@metalmart/contracts';
import type { KafkaConnection } from '@metalmart/contracts/kafka-connection';
import type pg from 'pg';
import { outboxBacklog } from '../outbox/backlog.ts';
import { listDeadLetters } from './dead-letters.ts';
import type { KafkaQueue, QueueReading } from './kafka-queue.ts';

interface Sample {
  at: number;
  reading: QueueReading | undefined;
  cluster: OpsCluster | null;
  kafkaError: string | null;
  statuses: Record<string, number>;
  outbox: OpsSnapshot['outbox'];
  transitions: OpsSnapshot['transitions'];
}

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
  const rebalances: OpsRebalance[] = [];
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
    noteRebalance(history.at(-1), sample);
    history.push(sample);
    if (history.length > HISTORY) history.shift();
    return sample;
  }

  function noteRebalance(previous: Sample | undefined, next: Sample) {
    if (!next.reading) return;
    const assignment = Object.fromEntries(
      next.reading.group.members.map((m) => [instanceOfClientId(m.clientId), m.partitions] as const),
    );
    const last = rebalances[0];
    const same = last && last.state === next.reading.group.state && sameAssignment(last.assignment, assignment);
    if (same || (!last && !previous && next.reading.group.members.length === 0)) return;
    rebalances.unshift({ at: new Date(next.at).toISOString(), state: next.reading.group.state, assignment });
    if (rebalances.length > TIMELINE) rebalances.pop();
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

function sameAssignment(a: Record<string, number[]>, b: Record<string, number[]>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k]?.join(',') === b[k]?.join(','));
}

function buildSnapshot(
  latest: Sample,
  history: Sample[],
  rebalances: OpsRebalance[],
  opts: { topic: string; groupId: string },
): OpsSnapshot {
  const reading = latest.reading;
  const owners = new Map<number, string>();
  for (const m of reading?.group.members ?? [])
    for (const p of m.partitions) owners.set(p, instanceOfClientId(m.clientId));
  const partitions = (reading?.endOffsets ?? []).map((end, partition) => {
    const committed = reading?.committed[partition] ?? null;
    const lag = partitionLag(end, committed);
    return {
      partition,
      owner: owners.get(partition) ?? null,
      endOffset: end.toString(),
      committed: committed === null ? null : committed.toString(),
      lag,
      lagSeconds: lag > 0 ? lagSeconds(history, partition, committed ?? 0n, latest.at) : null,
    };
  });
  return {
    at: new Date(latest.at).toISOString(),
    topic: opts.topic,
    groupId: opts.groupId,
    kafkaError: latest.kafkaError,
    group: {
      state: reading?.group.state ?? 'UNKNOWN',
      members: (reading?.group.members ?? []).map((m) => ({ ...m, instance: instanceOfClientId(m.clientId) })),
    },
    partitions,
    cluster: latest.cluster,
    rebalances,
    rates: {
      accepted: rates(history, (s) => total(s.statuses)),
      shipped: rates(history, (s) => s.statuses.shipped ?? 0),
    },
    outbox: latest.outbox,
    statuses: Object.fromEntries(ORDER_STATUSES.map((s) => [s, latest.statuses[s] ?? 0])),
    transitions: latest.transitions,
  };
}

const total = (statuses: Record<string, number>) => Object.values(statuses).reduce((sum, n) => sum + n, 0);

/** Per-second rates between consecutive samples. */
function rates(history: Sample[], count: (s: Sample) => number): number[] {
  const values: number[] = [];
  for (let i = 1; i < history.length; i++) {
    const [a, b] = [history[i - 1], history[i]];
    if (!a || !b || b.at <= a.at) continue;
    values.push(Math.max(0, Math.round(((count(b) - count(a)) / ((b.at - a.at) / 1000)) * 10) / 10));
  }
  return values;
}

/**
 * The record at the committed offset arrived when the end offset first passed it: the oldest sample that
 * already had it (or the oldest we kept, a lower bound) gives its age to within one sampling interval.
 */
function lagSeconds(history: Sample[], partition: number, committed: bigint, now: number): number {
  let since = now;
  for (let i = history.length - 1; i >= 0; i--) {
    const end = history[i]?.reading?.endOffsets[partition];
    if (end === undefined || end <= committed) break;
    since = history[i]?.at ?? since;
  }
  return Math.round((now - since) / 100) / 10;
}
