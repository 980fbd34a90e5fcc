import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deadLetterTopicOf, ORDER_CREATED_TOPIC } from '@metalmart/contracts';
import {
  KAFKA_CONNECTION_VARIABLES,
  type KafkaConnection,
  plaintextConnection,
} from '@metalmart/contracts/kafka-connection';
import { prefixedLogger } from '../log.ts';
import { ensureKafkaJars, kafkaNodePorts, type RunningKafka, startKafka } from '../servers/kafka.ts';
import { type RunningPostgres, startPostgres } from '../servers/postgres.ts';
import { ensureTopics } from '../servers/topics.ts';
import type { StackSettings } from '../settings.ts';

export interface Infra {
  databaseUrl: string;
  /** Admin URL (database `postgres`) of the local server; undefined when DATABASE_URL points elsewhere. */
  adminDatabaseUrl?: string;
  /** The bootstrap list, comma-separated (what KAFKA_BROKERS takes). */
  kafkaBrokers: string;
  /** How this stack's clients reach Kafka (the list, TLS and SASL of an external cluster). */
  kafka: KafkaConnection;
  /** The servers this process runs (replaced when the watchdog restarts one). */
  servers: { postgres?: RunningPostgres; kafka?: RunningKafka };
  stop(): Promise<void>;
}

const pgLog = prefixedLogger('postgres');
const kafkaLog = prefixedLogger('kafka');

const launchPostgres = (s: StackSettings) => startPostgres({ dataDir: s.dataDir, port: s.postgresPort, log: pgLog });
const launchKafka = (s: StackSettings) =>
  startKafka({
    dataDir: s.dataDir,
    port: s.kafkaPort,
    controllerPort: s.kafkaControllerPort,
    nodes: s.kafkaNodes,
    jarsDir: s.kafkaJarsDir,
    log: kafkaLog,
  });

/** How the stack's clients reach Kafka: KAFKA_BROKERS (with its TLS and SASL) or every node of the local cluster. */
export function stackKafkaConnection(settings: StackSettings): KafkaConnection {
  const first = { port: settings.kafkaPort, controllerPort: settings.kafkaControllerPort };
  const local = Array.from({ length: settings.kafkaNodes }, (_, i) => `127.0.0.1:${kafkaNodePorts(first, i + 1).port}`);
  return settings.externalKafka ?? plaintextConnection(local);
}

/** The data dir must be a folder this process can create and write to; else one sentence saying so. */
async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(
      `the data dir ${dataDir} cannot be used (${reason}): set METALMART_DATA_DIR to a folder you can create ` +
        'and write to, or fix its permissions.',
    );
  }
}

/**
 * PostgreSQL and Kafka, each either external (DATABASE_URL / KAFKA_BROKERS set) or started here (both at
 * once: Kafka's JVM takes longest), and the order topics created.
 */
export async function startInfra(settings: StackSettings, topic = ORDER_CREATED_TOPIC): Promise<Infra> {
  await ensureDataDir(settings.dataDir);
  if (!settings.externalKafka) await ensureKafkaJars(settings.dataDir, kafkaLog, settings.kafkaJarsDir);
  const [postgres, broker] = await Promise.allSettled([
    settings.externalDatabaseUrl ? undefined : launchPostgres(settings),
    settings.externalKafka ? undefined : launchKafka(settings),
  ]);
  const servers: Infra['servers'] = {
    postgres: postgres.status === 'fulfilled' ? postgres.value : undefined,
    kafka: broker.status === 'fulfilled' ? broker.value : undefined,
  };
  const stop = async () => {
    // Kafka first (its controlled shutdown needs nothing else), PostgreSQL last.
    await servers.kafka?.stop();
    await servers.postgres?.stop();
  };
  const failures = [postgres, broker].flatMap((r) =>
    r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : [],
  );
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.join('\n'));
  }
  const kafka = stackKafkaConnection(settings);
  const kafkaBrokers = kafka.bootstrapBrokers.join(',');
  pgLog(
    settings.externalDatabaseUrl ? 'using DATABASE_URL (external server)' : `ready on port ${settings.postgresPort}`,
  );
  const problems = await ensureTopics(kafka, {
    topic,
    partitions: settings.topicPartitions,
    replicationFactor: settings.replicationFactor,
    // KAFKA_DLQ_TOPIC as the services read it: they get this process's environment.
    deadLetterTopic: deadLetterTopicOf(topic, process.env),
  });
  for (const problem of problems) kafkaLog(problem);
  kafkaLog(`ready on ${kafkaBrokers}; topic ${topic} has ${settings.topicPartitions} partitions`);
  return {
    databaseUrl: servers.postgres?.url ?? (settings.externalDatabaseUrl as string),
    adminDatabaseUrl: servers.postgres?.adminUrl,
    kafkaBrokers,
    kafka,
    servers,
    stop,
  };
}

export async function restartPostgres(settings: StackSettings, infra: Infra): Promise<void> {
  await infra.servers.postgres?.stop().catch(() => {});
  infra.servers.postgres = await launchPostgres(settings);
}

export async function restartKafka(settings: StackSettings, infra: Infra): Promise<void> {
  await infra.servers.kafka?.stop().catch(() => {});
  infra.servers.kafka = await launchKafka(settings);
}

/**
 * The settings services need to reach this stack, also written to `<dataDir>/local.env` (for IDE launch
 * configurations). The service token is generated once per machine and kept there: random, never a default.
 */
export async function writeLocalEnv(settings: StackSettings, infra: Infra): Promise<Record<string, string>> {
  const tokenFile = join(settings.dataDir, 'service-token');
  let token =
    process.env.ORDER_SERVICE_TOKEN || (existsSync(tokenFile) ? (await readFile(tokenFile, 'utf8')).trim() : '');
  if (!token) {
    token = randomBytes(24).toString('hex');
    await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  }
  const env = {
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers,
    KAFKA_TOPIC: ORDER_CREATED_TOPIC,
    ORDER_SERVICE_TOKEN: token,
    // An external cluster's TLS and SASL settings, for services started from an IDE with this file.
    ...Object.fromEntries(
      KAFKA_CONNECTION_VARIABLES.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
    ),
  };
  const lines = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  await writeFile(join(settings.dataDir, 'local.env'), `${lines.join('\n')}\n`, { mode: 0o600 });
  return env;
}
