import { HEADERS } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { RECORD_SERIALIZERS } from '@metalmart/contracts/kafka-serde';
import { ProduceAcks, Producer } from '@platformatic/kafka';

export interface DeadLetter {
  key: string | undefined;
  value: Buffer | undefined;
  headers: Map<string, string>;
  error: string;
  source: { topic: string; partition: number; offset: bigint };
}

export interface DeadLetterPublisher {
  publish(letter: DeadLetter): Promise<void>;
  close(): Promise<void>;
}

/** Sends poison messages, unchanged plus why and where from, to the dead-letter topic. */
export function createKafkaDeadLetterPublisher(
  kafka: KafkaConnection,
  topic: string,
  clientId: string,
): DeadLetterPublisher {
  const producer = new Producer({
    clientId,
    ...clientOptions(kafka),
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: RECORD_SERIALIZERS,
  });
  // Sends run concurrently: 2.x keeps idempotent sequence numbers straight (tests/kafka-client.int.test.ts).
  return { publish, close: () => producer.close() };

  async function publish(letter: DeadLetter) {
    const headers = new Map(letter.headers);
    headers.set(HEADERS.dlqError, letter.error.slice(0, 1000));
    headers.set(HEADERS.dlqSourceTopic, letter.source.topic);
    headers.set(HEADERS.dlqSourcePartition, String(letter.source.partition));
    headers.set(HEADERS.dlqSourceOffset, letter.source.offset.toString());
    await producer.send({ messages: [{ topic, key: letter.key, value: letter.value, headers }] });
  }
}
