// The dead-letter topic as an operator sees it: what is there and why, and a replay of one record to the topic it
// came from (once its cause is fixed — the processor is idempotent, so a replay of a handled order changes nothing).
import { randomBytes } from 'node:crypto';
import { HEADERS } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { RECORD_DESERIALIZERS, RECORD_SERIALIZERS } from '@metalmart/contracts/kafka-serde';
import { Consumer, type Message, ProduceAcks, Producer } from '@platformatic/kafka';

/** ListOffsets' timestamp for a partition's first offset (the log start). */
const EARLIEST = -2n;

export interface DeadLetterRecord {
  offset: bigint;
  timestamp: Date;
  key: string | undefined;
  value: Buffer | undefined;
  headers: Map<string, string>;
  reason: string;
  source: { topic: string; partition: number; offset: string };
}

type DlqConsumer = Consumer<string, Buffer, string, string>;
type DlqMessage = Message<string, Buffer, string, string>;

/** A throwaway reader of the dead-letter topic: it joins no group and commits nothing. */
async function withReader<T>(kafka: KafkaConnection, read: (consumer: DlqConsumer) => Promise<T>): Promise<T> {
  const consumer: DlqConsumer = new Consumer({
    clientId: 'metalmart-dlq',
    groupId: `metalmart-dlq-${randomBytes(4).toString('hex')}`,
    ...clientOptions(kafka),
    deserializers: RECORD_DESERIALIZERS,
  });
  try {
    return await read(consumer);
  } finally {
    await consumer.close(true);
  }
}

/** Each partition's first and next offset: retention may have removed the oldest dead letters. */
async function bounds(consumer: DlqConsumer, dlq: string) {
  const [starts, ends] = await Promise.all([
    consumer.listOffsets({ topics: [dlq], timestamp: EARLIEST }),
    consumer.listOffsets({ topics: [dlq] }),
  ]);
  const first = starts.get(dlq) ?? [];
  return (ends.get(dlq) ?? []).map((end, partition) => ({ partition, start: first[partition] ?? 0n, end }));
}

function toRecord(m: DlqMessage, topic: string): DeadLetterRecord {
  const h = m.headers;
  return {
    offset: m.offset,
    timestamp: new Date(Number(m.timestamp)),
    key: m.key,
    value: m.value,
    headers: h,
    reason: h.get(HEADERS.dlqError) ?? '',
    source: {
      topic: h.get(HEADERS.dlqSourceTopic) ?? topic,
      partition: Number(h.get(HEADERS.dlqSourcePartition) ?? -1),
      offset: h.get(HEADERS.dlqSourceOffset) ?? '',
    },
  };
}

/** The records from `from` on, until every partition's end as it was when reading began (or `limit` records). */
async function readFrom(
  consumer: DlqConsumer,
  dlq: string,
  from: { partition: number; offset: bigint }[],
  ends: Map<number, bigint>,
  limit = Number.POSITIVE_INFINITY,
): Promise<DlqMessage[]> {
  const pending = new Set(from.filter((p) => p.offset < (ends.get(p.partition) ?? 0n)).map((p) => p.partition));
  const messages: DlqMessage[] = [];
  if (pending.size === 0) return messages;
  const offsets = from.map((p) => ({ topic: dlq, partition: p.partition, offset: p.offset }));
  const stream = await consumer.consume({
    topics: [dlq],
    mode: 'manual',
    offsets,
    autocommit: false,
    maxWaitTime: 200,
  });
  // A safety net only: reading stops at the ends, which exist (they were listed).
  const timer = setTimeout(() => void stream.close(), 30_000);
  try {
    for await (const m of stream) {
      messages.push(m);
      if (m.offset + 1n >= (ends.get(m.partition) ?? 0n)) pending.delete(m.partition);
      if (pending.size === 0 || messages.length >= limit) break;
    }
  } finally {
    clearTimeout(timer);
    await stream.close();
  }
  return messages;
}

/** The order topic and its dead-letter topic (`deadLetterTopicOf`). */
export interface DeadLetterTopics {
  topic: string;
  deadLetterTopic: string;
}

/** Every record of the dead-letter topic, oldest first. */
export async function listDeadLetters(
  kafka: KafkaConnection,
  { topic, deadLetterTopic: dlq }: DeadLetterTopics,
): Promise<DeadLetterRecord[]> {
  return withReader(kafka, async (consumer) => {
    const partitions = await bounds(consumer, dlq);
    const ends = new Map(partitions.map((p) => [p.partition, p.end]));
    const from = partitions.map((p) => ({ partition: p.partition, offset: p.start }));
    const messages = await readFrom(consumer, dlq, from, ends);
    return messages.map((m) => toRecord(m, topic)).sort((a, b) => (a.offset < b.offset ? -1 : 1));
  });
}

/** The dead letter at `offset` (the dead-letter topic has one partition: it is made so), read at that offset alone. */
export async function findDeadLetter(
  kafka: KafkaConnection,
  { topic, deadLetterTopic: dlq }: DeadLetterTopics,
  offset: bigint,
) {
  return withReader(kafka, async (consumer) => {
    const [partition] = await bounds(consumer, dlq);
    if (!partition || offset < partition.start || offset >= partition.end) return undefined;
    const ends = new Map([[partition.partition, partition.end]]);
    const [message] = await readFrom(consumer, dlq, [{ partition: partition.partition, offset }], ends, 1);
    return message?.offset === offset ? toRecord(message, topic) : undefined;
  });
}

/** The record at a source offset, for a letter that went without its value (too large for the dead-letter topic). */
async function originalOf(kafka: KafkaConnection, letter: DeadLetterRecord): Promise<DlqMessage> {
  const { topic, partition } = letter.source;
  const offset = BigInt(letter.source.offset);
  const [message] = await withReader(kafka, (consumer) =>
    readFrom(consumer, topic, [{ partition, offset }], new Map([[partition, offset + 1n]]), 1),
  );
  if (message?.offset !== offset) {
    throw new Error(`the original record is no longer in ${topic} (partition ${partition}, offset ${offset})`);
  }
  return message;
}

/**
 * Publishes the original record (key, value, headers without the dead-letter ones) to its source topic again;
 * for a letter without its value, the record read back at its source offset.
 */
export async function replayDeadLetter(kafka: KafkaConnection, letter: DeadLetterRecord): Promise<void> {
  const original = letter.headers.has(HEADERS.dlqValueOmitted) ? await originalOf(kafka, letter) : letter;
  const headers = new Map([...original.headers].filter(([name]) => !name.startsWith('dlq_')));
  const value = original.value;
  headers.set('replayed_from_dlq_offset', letter.offset.toString());
  const producer = new Producer({
    clientId: 'metalmart-dlq-replay',
    ...clientOptions(kafka),
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: RECORD_SERIALIZERS,
  });
  try {
    await producer.send({ messages: [{ topic: letter.source.topic, key: letter.key, value, headers }] });
  } finally {
    await producer.close();
  }
}
