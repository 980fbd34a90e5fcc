// The ops page's arithmetic over the samples the monitor keeps: the rebalance timeline, per-second rates and the
// lag of each partition in records and seconds. Pure: no I/O, no clock (each sample carries its time).
import {
  instanceOfClientId,
  type OpsCluster,
  type OpsRebalance,
  type OpsSnapshot,
  ORDER_STATUSES,
  partitionLag,
} from '@metalmart/contracts';
import type { QueueReading } from './kafka-queue.ts';

/** One look at Kafka and PostgreSQL, taken at `at` (ms since the epoch). */
export interface Sample {
  at: number;
  /** Undefined when Kafka could not be read. */
  reading: QueueReading | undefined;
  cluster: OpsCluster | null;
  kafkaError: string | null;
  statuses: Record<string, number>;
  outbox: OpsSnapshot['outbox'];
  transitions: OpsSnapshot['transitions'];
}

/**
 * The timeline with `next` added in front when the group's state or assignment changed since its newest entry,
 * at most `keep` entries. An empty group seen first is not news (nobody joined yet).
 */
export function withRebalance(
  timeline: readonly OpsRebalance[],
  next: Sample,
  isFirstSample: boolean,
  keep: number,
): OpsRebalance[] {
  if (!next.reading) return [...timeline];
  const { state, members } = next.reading.group;
  const assignment = Object.fromEntries(members.map((m) => [instanceOfClientId(m.clientId), m.partitions] as const));
  const last = timeline[0];
  const same = last && last.state === state && sameAssignment(last.assignment, assignment);
  if (same || (!last && isFirstSample && members.length === 0)) return [...timeline];
  return [{ at: new Date(next.at).toISOString(), state, assignment }, ...timeline].slice(0, keep);
}

function sameAssignment(a: Record<string, number[]>, b: Record<string, number[]>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k]?.join(',') === b[k]?.join(','));
}

/** The page's answer from the newest sample, the history behind it (oldest first) and the timeline. */
export function buildSnapshot(
  latest: Sample,
  history: readonly Sample[],
  rebalances: OpsRebalance[],
  names: { topic: string; groupId: string },
): OpsSnapshot {
  const reading = latest.reading;
  const owners = new Map<number, string>();
  for (const m of reading?.group.members ?? []) {
    for (const p of m.partitions) owners.set(p, instanceOfClientId(m.clientId));
  }
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
    topic: names.topic,
    groupId: names.groupId,
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

/** Per-second rates between consecutive samples, to one decimal; a count that went down reads as 0. */
export function rates(history: readonly Sample[], count: (s: Sample) => number): number[] {
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
export function lagSeconds(history: readonly Sample[], partition: number, committed: bigint, now: number): number {
  let since = now;
  for (let i = history.length - 1; i >= 0; i--) {
    const end = history[i]?.reading?.endOffsets[partition];
    if (end === undefined || end <= committed) break;
    since = history[i]?.at ?? since;
  }
  return Math.round((now - since) / 100) / 10;
}
