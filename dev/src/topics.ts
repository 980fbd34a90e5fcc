import { deadLetterTopicOf } from '@metalmart/contracts';
import { Admin } from '@platformatic/kafka';

/**
 * Creates the order topic and its dead-letter topic if missing, and grows the order topic to
 * `partitions` if it has fewer (Kafka cannot shrink a topic).
 */
export async function ensureTopics(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'metalmart-topics', bootstrapBrokers: [brokers] });
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { name: topic, partitions },
      { name: deadLetterTopicOf(topic), partitions: 1 },
    ];
    for (const { name, partitions: count } of wanted) {
      if (!existing.has(name)) {
        await admin.createTopics({ topics: [name], partitions: count, replicas: 1 });
        continue;
      }
      const metadata = await admin.metadata({ topics: [name] });
      const current = metadata.topics.get(name)?.partitionsCount ?? 0;
      if (current < count) await admin.createPartitions({ topics: [{ name, count }] });
    }
  } finally {
    await admin.close();
  }
}
