// What Kafka's admin API says about the queue: end offsets of the topic, the group's committed offsets, and
// its members with their assignments (the same three answers kafka-consumer-groups --describe combines); and
// the cluster under it (kafka-cluster.ts).
import type { OpsCluster } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { Admin } from '@platformatic/kafka';
import { activeController, clusterView, readMetadata } from './kafka-cluster.ts';

export interface QueueMember {
  memberId: string;
  clientId: string;
  host: string;
  /** Partitions of the queue's topic it owns. */
  partitions: number[];
  topics: string[];
}

export interface QueueReading {
  /** Per partition (index = partition). */
  endOffsets: bigint[];
  /** Per partition; null: the group never committed there. */
  committed: (bigint | null)[];
  group: { state: string; members: QueueMember[] };
}

export interface KafkaQueue {
  read(): Promise<QueueReading>;
  /** The brokers and the topic's replicas, read afresh at most every CLUSTER_EVERY_MS. */
  cluster(): Promise<OpsCluster>;
  /** End offsets of the dead-letter topic (none while it does not exist): changes when a letter arrives. */
  deadLetterEnds(): Promise<bigint[]>;
  close(): Promise<void>;
}

// Brokers and replicas change rarely next to offsets and lag, and Metadata is cached by the client for 5 s
// (metadataMaxAge): the one-second samples reuse one reading, taken past that cache (forceUpdate) every 3 s.
const CLUSTER_EVERY_MS = 3000;

export function createKafkaQueue(opts: {
  kafka: KafkaConnection;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
}): KafkaQueue {
  const admin = new Admin({
    clientId: 'order-service-ops',
    ...clientOptions(opts.kafka),
    // A page polling every second wants an answer or an error quickly, not the client's long retries.
    timeout: 3000,
    retries: 1,
  });
  const { topic, groupId } = opts;
  const addresses = new Map<number, string>();
  let cluster: { at: number; view: Promise<OpsCluster> } | undefined;

  async function readCluster(at: Date): Promise<OpsCluster> {
    const [answer, controllerId] = await Promise.all([
      readMetadata(admin, topic, true),
      // Without DESCRIBE on the cluster (or before a controller is elected) the rest still shows.
      activeController(admin).catch(() => null),
    ]);
    return clusterView(answer, controllerId, addresses, at);
  }

  return {
    async read() {
      const metadata = await admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const indexes = Array.from({ length: count }, (_, i) => i);
      const [ends, commits, groups] = await Promise.all([
        admin.listOffsets({
          topics: [{ name: topic, partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
        }),
        admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: indexes }] }] }),
        admin.describeGroups({ groups: [groupId] }),
      ]);
      const endOffsets = indexes.map(
        (i) => ends.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === i)?.offset ?? 0n,
      );
      const committedTopic = commits[0]?.topics.find((t) => t.name === topic);
      const committed = indexes.map((i) => {
        const offset = committedTopic?.partitions.find((p) => p.partitionIndex === i)?.committedOffset;
        return offset === undefined || offset < 0n ? null : offset;
      });
      const group = groups.get(groupId);
      const members = [...(group?.members.values() ?? [])].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        host: m.clientHost.replace(/^\//, ''),
        partitions: [...(m.assignments?.get(topic)?.partitions ?? [])].sort((a, b) => a - b),
        topics: m.metadata?.topics ?? [],
      }));
      return { endOffsets, committed, group: { state: group?.state ?? 'UNKNOWN', members } };
    },
    cluster() {
      if (!cluster || Date.now() - cluster.at >= CLUSTER_EVERY_MS) {
        const at = new Date();
        const view = readCluster(at);
        cluster = { at: at.getTime(), view };
        // A failed reading is not kept: the next sample asks again.
        view.catch(() => {
          if (cluster?.view === view) cluster = undefined;
        });
      }
      return cluster.view;
    },
    async deadLetterEnds() {
      const dlq = opts.deadLetterTopic;
      if (!(await admin.listTopics()).includes(dlq)) return [];
      const count = (await admin.metadata({ topics: [dlq] })).topics.get(dlq)?.partitionsCount ?? 0;
      const partitions = Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n }));
      const ends = await admin.listOffsets({ topics: [{ name: dlq, partitions }] });
      return ends.flatMap((t) => t.partitions.map((p) => p.offset));
    },
    close: () => admin.close(),
  };
}
