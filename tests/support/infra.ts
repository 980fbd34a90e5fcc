// Test support for the integration tier: each test file gets its own database, topics and group, made
// here on the real servers that dev/src/test-setup.ts provides.
import { randomBytes } from 'node:crypto';
import { createDatabaseIfMissing } from '@metalmart/dev/postgres';
import { ensureTopics } from '@metalmart/dev/topics';
import { migrate } from '@metalmart/order-service/store/migrate';
import { Consumer, Producer, stringDeserializer, stringSerializers } from '@platformatic/kafka';
import pg from 'pg';
import { inject } from 'vitest';

export const kafkaBrokers = () => inject('kafkaBrokers');

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
  const url = base.replace(/\/[^/]+$/, `/${name}`);
  await migrate(url);
  return url;
}

/** `<prefix>-…` with `partitions` partitions, and its dead-letter topic. */
export async function createTestTopic(prefix: string, partitions = 6): Promise<string> {
  const topic = uniqueName(prefix);
  await ensureTopics(kafkaBrokers(), topic, partitions);
  return topic;
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
    bootstrapBrokers: [kafkaBrokers()],
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
    bootstrapBrokers: [brokers],
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
  const probe = new Consumer({ clientId: uniqueName('test-lag'), groupId, bootstrapBrokers: [kafkaBrokers()] });
  try {
    const ends = (await probe.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const partitions = ends.map((_, i) => i);
    const committed = (await probe.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
    return ends.reduce((lag, end, i) => lag + end - ((committed[i] ?? -1n) < 0n ? 0n : (committed[i] as bigint)), 0n);
  } finally {
    await probe.close();
  }
}

export function pool(databaseUrl: string): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max: 4 });
}
