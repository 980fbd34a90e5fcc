import { HEADERS, type Logger } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { RECORD_SERIALIZERS } from '@metalmart/contracts/kafka-serde';
import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';

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

/** True when Kafka refused a record for its size (the topic's `max.message.bytes`, the broker's `message.max.bytes`). */
export function isTooLarge(error: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const { apiId, errors, cause } = e as { apiId?: string; errors?: unknown[]; cause?: unknown };
    if (apiId === 'MESSAGE_TOO_LARGE' || apiId === 'RECORD_LIST_TOO_LARGE') return true;
    return (errors ?? []).some(walk) || walk(cause);
  };
  return walk(error);
}

/**
 * Sends poison messages, unchanged plus why and where from, to the dead-letter topic. A letter the topic refuses
 * for its size (the original record plus those headers) goes without its value and its own headers, marked
 * `dlq_value_omitted` with the value's size: still a dead letter with its reason and source offset (where the
 * original stays readable while the source topic keeps it; Replay reads it there), never a partition held for
 * ever by a letter that cannot be written.
 */
export function createKafkaDeadLetterPublisher(
  kafka: KafkaConnection,
  topic: string,
  clientId: string,
  log: Pick<Logger, 'warn'> = { warn() {} },
): DeadLetterPublisher {
  const producer = new Producer({
    clientId,
    ...clientOptions(kafka),
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: RECORD_SERIALIZERS,
    // Fail, do not wait: an idempotent producer otherwise retries without end (even a missing topic's metadata),
    // and the consumer loop owns retrying a dead letter, with backoff, counting one that stays refused.
    timeout: 5000,
    retries: 2,
    retryDelay: 250,
  });
  // Sends run concurrently: 2.x keeps idempotent sequence numbers straight (tests/kafka-client.int.test.ts).
  return { publish, close: () => producer.close() };

  /**
   * The dead-letter topic is gone (deleted, never created on this cluster): made again, one partition as the
   * topics step makes it, at the cluster's default replication factor and min ISR (CreateTopics' -1), so that a
   * dead letter never waits for an operator to recreate a topic. A cluster that refuses (ACLs, a policy) leaves
   * the letter refused, and the consumer loop counts it as stuck.
   */
  async function createTopic() {
    const admin = new Admin({ clientId: `${clientId}-admin`, ...clientOptions(kafka) });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: -1 });
      log.warn(
        `the dead-letter topic ${topic} did not exist: created it (1 partition, the cluster's default replication)`,
      );
    } catch (error) {
      if (
        !/already exists/i.test(
          String((error as Error).message) + JSON.stringify((error as { errors?: unknown }).errors ?? []),
        )
      )
        throw error;
    } finally {
      await admin.close();
    }
  }

  async function publish(letter: DeadLetter) {
    try {
      await send(letter);
    } catch (error) {
      if (!/^Unknown topic /.test((error as Error).message ?? '')) throw error;
      await createTopic();
      await send(letter);
    }
  }

  async function send(letter: DeadLetter) {
    const why = (error: string) =>
      new Map<string, string>([
        [HEADERS.dlqError, error],
        [HEADERS.dlqSourceTopic, letter.source.topic],
        [HEADERS.dlqSourcePartition, String(letter.source.partition)],
        [HEADERS.dlqSourceOffset, letter.source.offset.toString()],
      ]);
    const headers = new Map([...letter.headers, ...why(letter.error.slice(0, 1000))]);
    try {
      await producer.send({ messages: [{ topic, key: letter.key, value: letter.value, headers }] });
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      const reduced = why(letter.error.slice(0, 200));
      reduced.set(HEADERS.dlqValueOmitted, String(letter.value?.length ?? 0));
      await producer.send({ messages: [{ topic, key: letter.key, value: undefined, headers: reduced }] });
    }
  }
}
