import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import type { OutboxMessage } from '../store/types.ts';

/** What the outbox relay needs from Kafka; the real one is below, tests may pass a fake. */
export interface EventProducer {
  send(messages: OutboxMessage[]): Promise<void>;
  /** Resolves when the cluster answers a metadata request. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Producers replaced after a failed send (each one a fresh producer id). */
  readonly recreated: number;
}

/**
 * Idempotent producer, acks=all: an acknowledged event is on every in-sync replica, and retries within one
 * producer add no duplicates. After any failed send the producer is replaced by a new one: a send that timed
 * out on our side may still have been written, which leaves an idempotent producer's sequence numbers behind
 * the broker's (OUT_OF_ORDER_SEQUENCE_NUMBER, forever, in @platformatic/kafka 1.x). Kafka's Java client bumps
 * the epoch (KIP-360); a new producer id is the coarser equivalent. The rows are sent again by the relay, so
 * every event reaches the topic at least once; a resend of an event that had been written is a duplicate,
 * which consumers absorb (guarded transitions) and the relay counts.
 */
export function createKafkaEventProducer(brokers: string[], clientId = 'order-service'): EventProducer {
  const create = () =>
    new Producer({
      clientId,
      bootstrapBrokers: brokers,
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      // Fail fast while Kafka is down: the relay owns retrying (with backoff), the events wait in the outbox.
      timeout: 5000,
      retries: 2,
      retryDelay: 250,
    });
  let producer = create();
  let recreated = 0;
  return {
    async send(messages) {
      try {
        await producer.send({
          messages: messages.map((m) => ({ topic: m.topic, key: m.key, value: m.payload, headers: m.headers })),
        });
      } catch (error) {
        const old = producer;
        producer = create();
        recreated += 1;
        void old.close().catch(() => {});
        throw error;
      }
    },
    async ping() {
      await producer.metadata({ topics: [], forceUpdate: true });
    },
    close: () => producer.close(),
    get recreated() {
      return recreated;
    },
  };
}
