// What the project relies on from its Kafka client (@platformatic/kafka), checked with Kafka's own console
// consumer: concurrent sends of one idempotent producer to one partition lose nothing (1.x reused sequence
// numbers here and the broker dropped records as duplicates, so the dead-letter sends had to be serialised).

import { clientOptions } from '@metalmart/contracts/kafka-connection';
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { createTestTopic, kafkaBrokers, kafkaConnection, uniqueName } from './support/infra.ts';
import { consumeWithConsoleConsumer } from './support/kafka-tools.ts';

describe('@platformatic/kafka idempotent producer', () => {
  it('loses no record when many sends to one partition are in flight at once', async () => {
    const topic = await createTestTopic('concurrent-sends', 1);
    const producer = new Producer({
      clientId: uniqueName('concurrent'),
      ...clientOptions(kafkaConnection()),
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
    });
    const sends = 40;
    const perSend = 25;
    try {
      await Promise.all(
        Array.from({ length: sends }, (_, s) =>
          producer.send({
            messages: Array.from({ length: perSend }, (_, i) => ({
              topic,
              partition: 0,
              key: `k-${s}`,
              value: `${s}-${i}`,
            })),
          }),
        ),
      );
    } finally {
      await producer.close();
    }
    const records = await consumeWithConsoleConsumer(kafkaBrokers(), {
      topic,
      maxMessages: sends * perSend + 1,
      timeoutMs: 6000,
    });
    expect(records).toHaveLength(sends * perSend);
    expect(new Set(records.map((r) => r.value)).size).toBe(sends * perSend);
    // Within one send, order is kept.
    for (let s = 0; s < sends; s++) {
      const ofSend = records.filter((r) => r.key === `k-${s}`).map((r) => Number(r.value?.split('-')[1]));
      expect(ofSend).toEqual([...ofSend].sort((a, b) => a - b));
    }
  });
});
