// Test support for the integration tier: each test file gets its own database, topics and group, made
// here on the real servers that tests/support/harness/test-setup.ts provides.
import { randomBytes } from 'node:crypto';
import { partitionLag } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection, plaintextConnection } from '@metalmart/contracts/kafka-connection';
import { createDatabaseIfMissing } from '@metalmart/dev/servers/postgres';
import { ensureTopics } from '@metalmart/dev/servers/topics';
import { migrate } from '@metalmart/order-service/store/migrate';
import { Admin, Consumer, Producer, stringDeserializer, stringSerializers } from '@platformatic/kafka';
import pg from 'pg';
import { inject } from 'vitest';

export const kafkaBrokers = () => inject('kafkaBrokers');
/** The test cluster as a client's options take it (a comma-separated list split, as every client must). */
export const kafkaConnection = (brokers = kafkaBrokers()): KafkaConnection => plaintextConnection(brokers);

/** Creates `topic` (and its dead-letter topic) on `brokers`, replicated as the cluster allows. */
export async function createTopicOn(brokers: string, topic: string, partitions: number): Promise<void> {
  const problems = await ensureTopics(kafkaConnection(brokers), { topic, partitions });
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A fresh, migrated database on the real PostgreSQL (on an external DATABASE_URL: that database, migrated). */
export async function createTestDatabase(): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const base = inject('databaseUrl');
  if (admin === base) {
    await migrate(base);
    return base;
  }
  const name = uniqueName('mm_test').replaceAll('-', '_');
  await createDatabaseIfMissing(admin, name);
  created.databases.add(name);
  const url = base.replace(/\/[^/]+$/, `/${name}`);
  await migrate(url);
  return url;
}

/** `<prefix>-…` with `partitions` partitions, and its dead-letter topic. */
export async function createTestTopic(prefix: string, partitions = 6): Promise<string> {
  const topic = uniqueName(prefix);
  created.topics.add(topic);
  await createTopicOn(kafkaBrokers(), topic, partitions);
  return topic;
}

/** What this test file made with createTestDatabase and createTestTopic. */
const created = { databases: new Set<string>(), topics: new Set<string>() };

/**
 * Removes what this test file made, once it finished (tests/support/cleanup.ts runs it after the file's own
 * afterAll hooks). A database still in use is dropped all the same (WITH (FORCE)): its tests are over. What a
 * run killed before this leaves behind, the next run's start removes (tests/support/harness/test-leftovers.ts).
 */
export async function removeWhatThisFileCreated(): Promise<string[]> {
  const problems: string[] = [];
  if (created.databases.size > 0) {
    const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    try {
      await client.connect();
      for (const name of created.databases) {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        created.databases.delete(name);
      }
    } catch (error) {
      problems.push(`databases ${[...created.databases].join(', ')}: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  if (created.topics.size > 0) {
    const admin = new Admin({ clientId: uniqueName('test-cleanup'), ...clientOptions(kafkaConnection()), retries: 1 });
    try {
      const existing = new Set(await admin.listTopics());
      const topics = [...created.topics].flatMap((t) => [t, `${t}.dlq`]).filter((t) => existing.has(t));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      created.topics.clear();
    } catch (error) {
      problems.push(`topics ${[...created.topics].join(', ')}: ${(error as Error).message}`);
    } finally {
      await admin.close().catch(() => {});
    }
  }
  return problems;
}

export interface ConsumedRecord {
  key: string | undefined;
  value: string;
  headers: Map<string, string>;
  partition: number;
  offset: bigint;
}

/** Writes records straight to a topic (string keys and values), as another producer than the Order Service would. */
export async function sendRecords(topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const producer = new Producer({
    clientId: uniqueName('test-producer'),
    ...clientOptions(kafkaConnection()),
    serializers: stringSerializers,
  });
  try {
    await producer.send({ messages: messages.map((m) => ({ topic, ...m })) });
  } finally {
    await producer.close();
  }
}

/** Reads a topic from the beginning with a throwaway group until `count` records arrived (or the timeout). */
export async function readTopic(
  topic: string,
  count: number,
  timeoutMs = 30_000,
  brokers = kafkaBrokers(),
): Promise<ConsumedRecord[]> {
  const consumer = new Consumer({
    clientId: uniqueName('test-reader'),
    groupId: uniqueName('test-reader'),
    ...clientOptions(kafkaConnection(brokers)),
    deserializers: {
      key: stringDeserializer,
      value: stringDeserializer,
      headerKey: stringDeserializer,
      headerValue: stringDeserializer,
    },
  });
  const records: ConsumedRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    const timer = setTimeout(() => stream.close(() => {}), timeoutMs);
    for await (const m of stream) {
      records.push({ key: m.key, value: m.value ?? '', headers: m.headers, partition: m.partition, offset: m.offset });
      if (records.length >= count) break;
    }
    clearTimeout(timer);
    await new Promise<void>((resolve) => stream.close(() => resolve()));
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return records;
}

/** Records of `topic` not yet committed by `groupId` (what is still waiting in Kafka for the processors). */
export async function consumerLag(topic: string, groupId: string): Promise<bigint> {
  // OffsetFetch and ListOffsets need no group membership: this client never joins.
  const probe = new Consumer({ clientId: uniqueName('test-lag'), groupId, ...clientOptions(kafkaConnection()) });
  try {
    const ends = (await probe.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const partitions = ends.map((_, i) => i);
    const committed = (await probe.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
    return BigInt(ends.reduce((lag, end, i) => lag + partitionLag(end, committed[i]), 0));
  } finally {
    await probe.close();
  }
}

export function pool(databaseUrl: string): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max: 4 });
}
