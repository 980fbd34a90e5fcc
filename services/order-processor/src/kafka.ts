import { setTimeout as sleep } from 'node:timers/promises';
import { BACKOFFS, backoffDelay, type Logger, partitionLag } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { RECORD_DESERIALIZERS } from '@metalmart/contracts/kafka-serde';
import { Consumer, type Message } from '@platformatic/kafka';
import { GROUP_PROTOCOLS, subscriptionAwareAssigner } from './assignor.ts';

/** One record as the consumer loop sees it; `generation` is the group generation it was fetched in. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: bigint;
  generation: number;
  key: string | undefined;
  value: Buffer | undefined;
  headers: Map<string, string>;
}

export interface DeliveryStream extends AsyncIterable<Delivery> {
  close(): Promise<void>;
}

export interface Assignment {
  generation: number;
  partitions: { topic: string; partition: number }[];
}

/** All the consumer loop needs from a Kafka consumer-group member: small, so unit tests pass a fake. */
export interface GroupMember {
  /** Opens the stream: from the committed offsets, from the beginning for a new group. */
  consume(topic: string): Promise<DeliveryStream>;
  commit(offsets: { topic: string; partition: number; offset: bigint }[]): Promise<void>;
  /** Called after every (re)join with what this member now owns. */
  onAssignment(listener: (assignment: Assignment) => void): void;
  readonly joined: boolean;
  assignment(): Assignment;
  /** Per partition of `topic`: records after the group's committed offset (asked of Kafka now). */
  lag(topic: string): Promise<{ topic: string; partition: number; lag: number }[]>;
  /** Leaves the group, so the partitions move to the other members at once. */
  close(): Promise<void>;
}

export interface KafkaMemberOptions {
  kafka: KafkaConnection;
  groupId: string;
  clientId: string;
  sessionTimeoutMs: number;
  /** How often the group's leader looks for partitions added to a subscribed topic (Java: metadata.max.age.ms). */
  metadataMaxAgeMs: number;
  log: Pick<Logger, 'info' | 'warn'>;
}

/**
 * The group member on @platformatic/kafka, with the subscription-aware assigner of `assignor.ts` and a watch
 * for partitions added at run time: Kafka's Java consumer rejoins when its periodic metadata refresh shows a
 * subscribed topic's partition count changed; @platformatic/kafka 2.12.1 never does, so new partitions stayed
 * unowned until some member happened to rejoin. Here the group's leader (the member that computed the
 * assignment, so it knows the counts it used) asks Kafka every `metadataMaxAgeMs` and rejoins when a count
 * differs — a leader's JoinGroup makes the coordinator rebalance the whole group (followers' would not).
 */
/** How long a JoinGroup may block (the group's rebalance timeout): heartbeats pause meanwhile. */
const REBALANCE_TIMEOUT_MS = 30_000;

type Assigned = { topic: string; partitions: number[] };

/** The partition counts behind a lone member's assignment: it was given every partition of each topic. */
function soleMemberCounts(assignments: readonly Assigned[]): Map<string, number> {
  return new Map(assignments.map((a) => [a.topic, a.partitions.length]));
}

/** Milliseconds since the membership was last confirmed: a heartbeat answered, or a join. */
export function membershipSilence(lastHeartbeat: Date | null, joinedAt: number, now: number): number {
  return now - Math.max(lastHeartbeat?.getTime() ?? 0, joinedAt);
}

export function createKafkaGroupMember(opts: KafkaMemberOptions): GroupMember {
  /** Partition counts the last assignment this member computed (as leader) was based on. */
  let assignedCounts = new Map<string, number>();
  let leader = false;
  const consumer = new Consumer<string, Buffer, string, string>({
    clientId: opts.clientId,
    groupId: opts.groupId,
    ...clientOptions(opts.kafka),
    deserializers: RECORD_DESERIALIZERS,
    sessionTimeout: opts.sessionTimeoutMs,
    heartbeatInterval: 1000,
    rebalanceTimeout: REBALANCE_TIMEOUT_MS,
    protocols: GROUP_PROTOCOLS,
    metadataMaxAge: opts.metadataMaxAgeMs,
    partitionAssigner: (leaderId, members, leaderTopics, metadata) => {
      assignedByAssigner = true;
      assignedCounts = new Map([...metadata.topics].map(([topic, t]) => [topic, t.partitionsCount]));
      return subscriptionAwareAssigner(leaderId, members, leaderTopics, metadata);
    },
  });
  let assignedByAssigner = false;
  consumer.on('consumer:group:join', (event: { isLeader?: boolean; assignments?: Assigned[] }) => {
    leader = event.isLeader === true;
    // A group of one: @platformatic/kafka 2.12.1 hands its only member every partition without calling
    // partitionAssigner, so the counts are that assignment's (without this, npm start's lone processor never saw
    // partitions added at run time: found by the fault lab's grow-partitions).
    if (leader && !assignedByAssigner) assignedCounts = soleMemberCounts(event.assignments ?? []);
    assignedByAssigner = false;
    // The assignment may name partitions added since this member last read the topic's metadata, and the stream's
    // next fetch looks them up in that cached copy: @platformatic/kafka 2.12.1 then throws in a callback and the
    // process dies (seen in tests/kafka-cluster.int.test.ts). Registered before the stream's own listener, this
    // makes that fetch read fresh metadata.
    consumer.clearMetadata();
  });
  // A heartbeat answered "rejoin" (a rebalance) and that JoinGroup failed (the coordinator stopped, moving, or
  // unreachable): @platformatic/kafka 2.12.1 then emits 'error' — unheard, it ends the process — and schedules no
  // more heartbeats, so the member would sit outside its group for ever. Rejoin with backoff until it works.
  let rejoining = false;
  let closed = false;
  async function rejoin(reason: string) {
    if (rejoining || closed) return;
    rejoining = true;
    try {
      for (let attempt = 1; !closed; attempt++) {
        const delay = backoffDelay(attempt, BACKOFFS.rejoin);
        opts.log.warn(`consumer group membership lost (${reason}); rejoining in ${delay} ms`);
        await sleep(delay);
        if (closed) return;
        try {
          await consumer.joinGroup({});
          opts.log.info({ generation: consumer.generationId }, 'rejoined the consumer group');
          return;
        } catch (error) {
          reason = (error as Error).message;
        }
      }
    } finally {
      rejoining = false;
    }
  }
  consumer.on('error', (error: Error) => void rejoin(`rejoining failed: ${error.message}`));
  consumer.on('consumer:heartbeat:stalled', () => void rejoin('heartbeats stalled'));
  // The library can also stop heartbeating with neither event: a failed join inside consume() leaves the topic
  // tracked and the old member id set, so the next consume() starts a stream on the old assignment without joining.
  // The coordinator drops that member after its session; it keeps fetching, owning nothing (seen in
  // tests/group-faults.int.test.ts: the other processor owned all six for good). No heartbeat answered for a whole
  // session past the longest a join may block means the membership is gone, whatever the library believes: rejoin.
  let joinedAt = Date.now();
  consumer.on('consumer:group:join', () => {
    joinedAt = Date.now();
  });
  const liveness = setInterval(() => {
    if (closed || rejoining || consumer.memberId === null) return;
    const silentMs = membershipSilence(consumer.lastHeartbeat, joinedAt, Date.now());
    if (silentMs > REBALANCE_TIMEOUT_MS + opts.sessionTimeoutMs)
      void rejoin(`no heartbeat answered for ${silentMs} ms: the coordinator has dropped this member`);
  }, 1000);
  liveness.unref();
  const watch = setInterval(() => void rejoinIfPartitionsChanged(), opts.metadataMaxAgeMs);
  watch.unref();
  let checking = false;
  async function rejoinIfPartitionsChanged() {
    if (!leader || checking || consumer.memberId === null || assignedCounts.size === 0) return;
    checking = true;
    try {
      const metadata = await consumer.metadata({ topics: [...assignedCounts.keys()], forceUpdate: true });
      for (const [topic, from] of assignedCounts) {
        const to = metadata.topics.get(topic)?.partitionsCount ?? from;
        if (to === from) continue;
        opts.log.info({ topic, from, to }, 'partition count changed: rejoining so that the group owns them all');
        await consumer.joinGroup({});
        return;
      }
    } catch (error) {
      // A broker away: the next round asks again (assignedCounts still holds the old count).
      opts.log.warn(`checking for added partitions failed (${(error as Error).message}); trying again`);
    } finally {
      checking = false;
    }
  }
  const assignment = (): Assignment => ({
    generation: consumer.generationId,
    partitions: (consumer.assignments ?? []).flatMap((a) =>
      a.partitions.map((partition) => ({ topic: a.topic, partition })),
    ),
  });
  return {
    async consume(topic) {
      const open = () =>
        consumer.consume({
          topics: [topic],
          autocommit: false,
          mode: 'committed',
          // A new group starts from the beginning: no order lost on a cold start.
          fallbackMode: 'earliest',
          maxWaitTime: 500,
          // Enough read-ahead to keep every in-flight slot busy, not a backlog in memory (defaults: 1024, 50 MB).
          highWaterMark: 256,
          maxBytes: 8 * 1024 * 1024,
        });
      type Stream = Awaited<ReturnType<typeof open>>;
      // One library stream per group generation. @platformatic/kafka 2.12.1 keeps its stream across a rebalance and
      // rewinds it to the committed offsets, but a fetch it sent before the join may answer after that rewind: its
      // records are tagged with the new generation and it moves the read position past them — past offsets this
      // member never received in the new generation (a partition that moved away and came back). A fresh stream
      // starts at the committed offsets and never sees an answer to an earlier fetch; the old one is closed.
      let current: { stream: Stream; generation: number } = { stream: await open(), generation: consumer.generationId };
      let closed = false;
      let switching: Promise<void> = Promise.resolve();
      const onJoin = () => {
        switching = switching.then(async () => {
          if (closed || current.generation === consumer.generationId) return;
          const old = current.stream;
          try {
            // Opened before the old one closes, so the topic stays subscribed and no rejoin is needed.
            current = { stream: await open(), generation: consumer.generationId };
          } catch (error) {
            opts.log.warn(`could not open a stream for the new generation (${(error as Error).message})`);
          }
          await old.close().catch(() => {});
        });
      };
      consumer.on('consumer:group:join', onJoin);
      const stop = async () => {
        closed = true;
        consumer.removeListener('consumer:group:join', onJoin);
        await switching;
        await current.stream.close();
      };
      return {
        async *[Symbol.asyncIterator]() {
          try {
            while (!closed) {
              const { stream, generation } = current;
              for await (const message of stream as AsyncIterable<Message<string, Buffer, string, string>>) {
                if (current.stream !== stream) continue; // read ahead by a stream already replaced: dropped
                yield {
                  topic: message.topic,
                  partition: message.partition,
                  offset: message.offset,
                  generation,
                  key: message.key,
                  value: message.value,
                  headers: message.headers,
                };
              }
              await switching;
              if (current.stream === stream) return; // ended, not replaced: the consumer loop subscribes again
            }
          } finally {
            await stop();
          }
        },
        close: stop,
      };
    },
    commit: (offsets) => consumer.commit({ offsets: offsets.map((o) => ({ ...o, leaderEpoch: -1 })) }),
    onAssignment(listener) {
      consumer.on('consumer:group:join', () => listener(assignment()));
    },
    get joined() {
      return consumer.memberId !== null && consumer.assignments !== null;
    },
    assignment,
    async lag(topic) {
      const ends = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
      const partitions = ends.map((_, partition) => partition);
      const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
      return ends.map((end, partition) => ({ topic, partition, lag: partitionLag(end, committed[partition]) }));
    },
    close: () => {
      closed = true;
      clearInterval(watch);
      clearInterval(liveness);
      return consumer.close(true);
    },
  };
}
