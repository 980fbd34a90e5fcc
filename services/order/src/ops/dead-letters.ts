// The dead-letter topic as an operator sees it: what is there and why, and a replay of one record to the topic it
// came from (once its cause is fixed — the processor is idempotent, so a replay of a handled order changes nothing).
import { randomBytes } from 'node:crypto';
import { deadLetterTopicOf, HEADERS } from '@metalmart/contracts';
import { RECORD_DESERIALIZERS, RECORD_SERIALIZERS } from '@metalmart/contracts/kafka-serde';
import { Consumer, ProduceAcks, Producer } from '@platformatic/kafka';

export interface DeadLetterRecord {
  offset: bigint;
  timestamp: Date;
  key: string | undefined;
  value: Buffer | undefined;
  headers: Map<string, string>;
  reason: string;
  source: { topic: string; partition: number; offset: string };
}

/** Every record of `<topic>.dlq`, oldest first (read without joining any group; nothing is committed). */
export async function listDeadLetters(brokers: string[], topic: string): Promise<DeadLetterRecord[]> {
  const dlq = deadLetterTopicOf(topic);
  const consumer = new Consumer<string, Buffer, string, string>({
    clientId: 'metalmart-dlq',
    groupId: `metalmart-dlq-${randomBytes(4).toString('hex')}`,
    bootstrapBrokers: brokers,
    deserializers: RECORD_DESERIALIZERS,
  });
  try {
    const ends = (await consumer.listOffsets({ topics: [dlq] })).get(dlq) ?? [];
    const total = ends.reduce((sum, end) => sum + end, 0n);
    const records: DeadLetterRecord[] = [];
    if (total === 0n) return records;
    const stream = await consumer.consume({ topics: [dlq], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    const timer = setTimeout(() => void stream.close(), 30_000);
    for await (const m of stream) {
      const h = m.headers;
      records.push({
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
      });
      if (BigInt(records.length) >= total) break;
    }
    clearTimeout(timer);
    await stream.close();
    return records.sort((a, b) => (a.offset < b.offset ? -1 : 1));
  } finally {
    await consumer.close(true);
  }
}

/** The dead letter at `offset` of `<topic>.dlq`, if there is one. */
export async function findDeadLetter(brokers: string[], topic: string, offset: bigint) {
  return (await listDeadLetters(brokers, topic)).find((l) => l.offset === offset);
}

/** Publishes the original record (key, value, headers without the dead-letter ones) to its source topic again. */
export async function replayDeadLetter(brokers: string[], letter: DeadLetterRecord): Promise<void> {
  const headers = new Map([...letter.headers].filter(([name]) => !name.startsWith('dlq_')));
  headers.set('replayed_from_dlq_offset', letter.offset.toString());
  const producer = new Producer({
    clientId: 'metalmart-dlq-replay',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: RECORD_SERIALIZERS,
  });
  try {
    await producer.send({ messages: [{ topic: letter.source.topic, key: letter.key, value: letter.value, headers }] });
  } finally {
    await producer.close();
  }
}
