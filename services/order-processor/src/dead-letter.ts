import { HEADERS } from '@metalmart/contracts';
import { ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';

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

const raw = (value?: Buffer) => value;

/** Sends poison messages, unchanged plus why and where from, to the dead-letter topic. */
export function createKafkaDeadLetterPublisher(
  brokers: string[],
  topic: string,
  clientId: string,
): DeadLetterPublisher {
  const producer = new Producer({
    clientId,
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: { key: stringSerializer, value: raw, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  // One send at a time: concurrent sends of @platformatic/kafka 1.x's idempotent producer to one partition
  // can reuse a sequence number, and the broker then drops one as a "duplicate" (seen in our poison test).
  let queue: Promise<unknown> = Promise.resolve();
  return {
    publish(letter) {
      const sent = queue.then(() => send(letter));
      queue = sent.catch(() => {});
      return sent;
    },
    close: () => producer.close(),
  };

  async function send(letter: DeadLetter) {
    const headers = new Map(letter.headers);
    headers.set(HEADERS.dlqError, letter.error.slice(0, 1000));
    headers.set(HEADERS.dlqSourceTopic, letter.source.topic);
    headers.set(HEADERS.dlqSourcePartition, String(letter.source.partition));
    headers.set(HEADERS.dlqSourceOffset, letter.source.offset.toString());
    await producer.send({ messages: [{ topic, key: letter.key, value: letter.value, headers }] });
  }
}
