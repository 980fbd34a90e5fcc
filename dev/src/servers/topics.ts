import { setTimeout as sleep } from 'node:timers/promises';
import { BACKOFFS, backoffDelay, deadLetterTopicOf } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { Admin, type ClusterMetadata, ConfigResourceTypes } from '@platformatic/kafka';

export interface TopicPlan {
  topic: string;
  partitions: number;
  /** KAFKA_REPLICATION_FACTOR; undefined: the smaller of 3 and the number of brokers. */
  replicationFactor?: number;
  /** Default `deadLetterTopicOf(topic)`. */
  deadLetterTopic?: string;
}

/** The factor and min ISR a topic gets on a cluster of `brokers` brokers (see the README's Decisions). */
function replicationFor(brokers: number, configured?: number): { factor: number; minInsync?: number } {
  const factor = configured ?? Math.min(3, brokers);
  if (factor > brokers) {
    throw new Error(
      `KAFKA_REPLICATION_FACTOR is ${factor} but the cluster has ${brokers} broker(s); ` +
        'set it to at most the number of brokers',
    );
  }
  // Two copies acknowledged before a write counts: one broker may die without losing it or stopping writes.
  return { factor, ...(factor >= 3 ? { minInsync: 2 } : {}) };
}

/**
 * Creates the order topic and its dead-letter topic if missing (replicated as `replicationFor` says), grows
 * the order topic to `partitions` if it has fewer (Kafka cannot shrink a topic), and returns one line per
 * existing topic that is less replicated than it should be — never rewritten here: moving replicas copies
 * data, which an operator starts on purpose.
 */
export async function ensureTopics(kafka: KafkaConnection, plan: TopicPlan): Promise<string[]> {
  const admin = new Admin({ clientId: 'metalmart-topics', ...clientOptions(kafka) });
  try {
    const cluster = await admin.metadata({ topics: [] });
    const { factor, minInsync } = replicationFor(cluster.brokers.size, plan.replicationFactor);
    const configs = minInsync ? [{ name: 'min.insync.replicas', value: String(minInsync) }] : [];
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { name: plan.topic, partitions: plan.partitions },
      { name: plan.deadLetterTopic ?? deadLetterTopicOf(plan.topic), partitions: 1 },
    ];
    const problems: string[] = [];
    for (const { name, partitions } of wanted) {
      if (!existing.has(name)) {
        await createTopic(admin, { name, partitions, factor, configs });
        continue;
      }
      const metadata = await admin.metadata({ topics: [name] });
      const current = metadata.topics.get(name)?.partitionsCount ?? 0;
      if (current < partitions) await admin.createPartitions({ topics: [{ name, count: partitions }] });
      problems.push(...(await replicationProblems(admin, name, metadata, factor, minInsync)));
    }
    return problems;
  } finally {
    await admin.close();
  }
}

/** What the brokers said inside a client error: their error ids and messages (an AggregateError nests them). */
export function brokerReasons(error: unknown): { id: string; canRetry: boolean; text: string }[] {
  const nested = error instanceof AggregateError ? error.errors : [];
  const own = error as { apiId?: string; canRetry?: boolean; serverErrorMessage?: string | null; message?: string };
  const here = own?.apiId
    ? [{ id: own.apiId, canRetry: own.canRetry === true, text: own.serverErrorMessage || own.message || own.apiId }]
    : [];
  return [...here, ...nested.flatMap(brokerReasons)];
}

// Brokers that have just (re)started may not all be registered yet: the same request succeeds a moment later.
const SETTLING = new Set(['INVALID_REPLICATION_FACTOR', 'NOT_CONTROLLER', 'REQUEST_TIMED_OUT']);

/**
 * Creates one topic; a topic someone else created meanwhile is fine, a cluster still settling is asked again
 * (up to 5 times, with the topics backoff), anything else throws naming the brokers' reasons.
 */
async function createTopic(
  admin: Admin,
  topic: { name: string; partitions: number; factor: number; configs: { name: string; value: string }[] },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions,
        replicas: topic.factor,
        configs: topic.configs,
      });
      return;
    } catch (error) {
      const reasons = brokerReasons(error);
      if (reasons.length > 0 && reasons.every((r) => r.id === 'TOPIC_ALREADY_EXISTS')) return;
      const settling = reasons.length > 0 && reasons.every((r) => r.canRetry || SETTLING.has(r.id));
      if (!settling || attempt === 5) {
        const why = reasons.map((r) => `${r.id}: ${r.text}`).join('; ') || (error as Error).message;
        throw new Error(`creating topic ${topic.name} (factor ${topic.factor}) failed: ${why}`, { cause: error });
      }
      await sleep(backoffDelay(attempt, BACKOFFS.topics));
    }
  }
}

async function replicationProblems(
  admin: Admin,
  topic: string,
  metadata: ClusterMetadata,
  factor: number,
  minInsync: number | undefined,
): Promise<string[]> {
  const partitions = metadata.topics.get(topic)?.partitions ?? [];
  const lowest = Math.min(...partitions.map((p) => p.replicas.length));
  const problems: string[] = [];
  if (lowest < factor) {
    const plan = reassignmentPlan(topic, partitions, [...metadata.brokers.keys()], factor);
    problems.push(
      `topic ${topic} has replication factor ${lowest}, should be ${factor} (KAFKA_REPLICATION_FACTOR): ` +
        `echo '${JSON.stringify(plan)}' > reassign.json && npm run kafka -- reassign-partitions ` +
        '--reassignment-json-file reassign.json --execute',
    );
  }
  if (minInsync && lowest >= factor) {
    const [description] = await admin.describeConfigs({
      resources: [
        { resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['min.insync.replicas'] },
      ],
    });
    const current = Number(description?.configs.find((c) => c.name === 'min.insync.replicas')?.value ?? 1);
    if (current < minInsync) {
      problems.push(
        `topic ${topic} has min.insync.replicas ${current}, should be ${minInsync}: npm run kafka -- configs ` +
          `--alter --entity-type topics --entity-name ${topic} --add-config min.insync.replicas=${minInsync}`,
      );
    }
  }
  return problems;
}

/** kafka-reassign-partitions' JSON: each partition keeps its replicas (leader first) and gains the next brokers. */
function reassignmentPlan(topic: string, partitions: { replicas: number[] }[], brokers: number[], factor: number) {
  const ids = [...brokers].sort((a, b) => a - b);
  return {
    version: 1,
    partitions: partitions.map(({ replicas }, partition) => {
      const wanted = [...replicas];
      for (let i = 0; wanted.length < factor && i < ids.length; i++) {
        const candidate = ids[(partition + i) % ids.length] as number;
        if (!wanted.includes(candidate)) wanted.push(candidate);
      }
      return { topic, partition, replicas: wanted };
    }),
  };
}
