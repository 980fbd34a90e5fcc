import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORTS } from '@metalmart/contracts';
import { kafkaConnectionFromEnv } from '@metalmart/contracts/kafka-connection';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be an integer port/count between 0 and 65535, got "${raw}"`);
  }
  return value;
}

/** Every port of the local stack, by the variable that sets it (tests give each run its own set). */
export const STACK_PORT_VARIABLES = [
  'METALMART_PG_PORT',
  'METALMART_KAFKA_PORT',
  'METALMART_KAFKA_CONTROLLER_PORT',
  'PORT',
  'PROCESSOR_PORT',
  'FRONTEND_PORT',
  'METALMART_CONTROL_PORT',
  'METALMART_JAEGER_UI_PORT',
  'METALMART_JAEGER_OTLP_PORT',
] as const;
export type StackPorts = Record<(typeof STACK_PORT_VARIABLES)[number], number>;

function kafkaNodesFromEnv(): number {
  const nodes = intFromEnv('KAFKA_NODES', 1);
  if (![1, 3, 5].includes(nodes))
    throw new Error(`KAFKA_NODES must be 1, 3 or 5 (a quorum needs a majority), got ${nodes}`);
  return nodes;
}

/** Settings of the local stack, read once from the environment (see the README's configuration table). */
export function readStackSettings() {
  const dataDir = resolve(process.env.METALMART_DATA_DIR || join(repoRoot, '.data'));
  return {
    dataDir,
    /** The Kafka broker's jars (resolved by Maven once); a throwaway data dir can share the project's. */
    kafkaJarsDir: resolve(process.env.METALMART_KAFKA_JARS_DIR || join(dataDir, 'kafka-lib')),
    /** Set → use that PostgreSQL and start none. */
    externalDatabaseUrl: process.env.DATABASE_URL || undefined,
    /** KAFKA_BROKERS set → use that Kafka cluster (with its TLS and SASL settings) and start none. */
    externalKafka: process.env.KAFKA_BROKERS ? kafkaConnectionFromEnv(process.env) : undefined,
    /** The local cluster's size: 1, or a quorum of 3 or 5 (each node a broker and a controller). */
    kafkaNodes: kafkaNodesFromEnv(),
    /** KAFKA_REPLICATION_FACTOR of the topics the stack creates; unset: the smaller of 3 and the brokers. */
    replicationFactor: process.env.KAFKA_REPLICATION_FACTOR ? intFromEnv('KAFKA_REPLICATION_FACTOR', 1) : undefined,
    // 55432, not 5432: a system PostgreSQL usually holds 5432.
    postgresPort: intFromEnv('METALMART_PG_PORT', 55432),
    kafkaPort: intFromEnv('METALMART_KAFKA_PORT', 9092),
    kafkaControllerPort: intFromEnv('METALMART_KAFKA_CONTROLLER_PORT', 9093),
    topicPartitions: intFromEnv('KAFKA_TOPIC_PARTITIONS', 6),
    orderServicePort: intFromEnv('PORT', DEFAULT_PORTS.orderService),
    processorPort: intFromEnv('PROCESSOR_PORT', DEFAULT_PORTS.processor),
    frontendPort: intFromEnv('FRONTEND_PORT', DEFAULT_PORTS.frontend),
    processorInstances: intFromEnv('PROCESSOR_INSTANCES', 1),
    /** `npm start`'s control API (npm run scale, the ops page's scaling buttons), on loopback. */
    controlPort: intFromEnv('METALMART_CONTROL_PORT', 8090),
    /** Traces: `npm start -- --traces` or METALMART_TRACES=1 starts Jaeger and points both services at it. */
    traces:
      process.argv.includes('--traces') || ['1', 'true', 'on', 'yes'].includes(process.env.METALMART_TRACES ?? ''),
    jaegerUiPort: intFromEnv('METALMART_JAEGER_UI_PORT', 16686),
    jaegerOtlpPort: intFromEnv('METALMART_JAEGER_OTLP_PORT', 4318),
  };
}

export type StackSettings = ReturnType<typeof readStackSettings>;
