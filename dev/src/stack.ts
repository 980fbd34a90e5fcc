import { ORDER_CREATED_TOPIC } from '@metalmart/contracts';
import { ensureKafkaJars, type RunningKafka, startKafka } from './kafka.ts';
import { prefixedLogger } from './log.ts';
import { type RunningPostgres, startPostgres } from './postgres.ts';
import type { StackSettings } from './settings.ts';
import { ensureTopics } from './topics.ts';

export interface Infra {
  databaseUrl: string;
  /** Admin URL of the local server; undefined when DATABASE_URL points elsewhere. */
  adminDatabaseUrl?: string;
  kafkaBrokers: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL and Kafka, each either external (DATABASE_URL / KAFKA_BROKERS set) or started here, and the
 * order topics created. Starts both servers at once: Kafka's JVM takes the longest.
 */
export async function startInfra(settings: StackSettings, topic = ORDER_CREATED_TOPIC): Promise<Infra> {
  const pgLog = prefixedLogger('postgres');
  const kafkaLog = prefixedLogger('kafka');
  if (!settings.externalKafkaBrokers) await ensureKafkaJars(settings.dataDir, kafkaLog);
  const [postgres, kafka] = await Promise.allSettled([
    settings.externalDatabaseUrl
      ? Promise.resolve<RunningPostgres>({
          url: settings.externalDatabaseUrl,
          adminUrl: '',
          stop: async () => {},
        })
      : startPostgres({ dataDir: settings.dataDir, port: settings.postgresPort, log: pgLog }),
    settings.externalKafkaBrokers
      ? Promise.resolve<RunningKafka>({ brokers: settings.externalKafkaBrokers, stop: async () => {} })
      : startKafka({
          dataDir: settings.dataDir,
          port: settings.kafkaPort,
          controllerPort: settings.kafkaControllerPort,
          log: kafkaLog,
        }),
  ]);
  const stop = async () => {
    // Kafka first: its controlled shutdown needs nothing else; PostgreSQL last, after the services.
    if (kafka.status === 'fulfilled') await kafka.value.stop();
    if (postgres.status === 'fulfilled') await postgres.value.stop();
  };
  if (postgres.status === 'rejected' || kafka.status === 'rejected') {
    await stop();
    const reasons = [postgres, kafka].flatMap((r) =>
      r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : [],
    );
    throw new Error(reasons.join('\n'));
  }
  pgLog(
    settings.externalDatabaseUrl ? 'using DATABASE_URL (external server)' : `ready on port ${settings.postgresPort}`,
  );
  await ensureTopics(kafka.value.brokers, topic, settings.topicPartitions);
  kafkaLog(`ready on ${kafka.value.brokers}; topic ${topic} has ${settings.topicPartitions} partitions`);
  return {
    databaseUrl: postgres.value.url,
    adminDatabaseUrl: postgres.value.adminUrl || undefined,
    kafkaBrokers: kafka.value.brokers,
    stop,
  };
}
