// The two services as every deployment file must see them, and the env var names their code reads: the
// yardstick for the env blocks of Kubernetes, Compose, mirrord and VS Code alike.
import { readFileSync } from 'node:fs';
import { listFiles, repoPath } from './files.ts';

/** The two services: folder, deployment name, port and the env vars the deployment files must set. */
export const SERVICES = {
  order: {
    dir: 'services/order',
    name: 'order-service',
    port: 8080,
    required: ['HOST', 'PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_TOPIC', 'ORDER_SERVICE_TOKEN'],
  },
  processor: {
    dir: 'services/order-processor',
    name: 'order-processor',
    port: 8081,
    required: [
      'HOST',
      'PORT',
      'KAFKA_BROKERS',
      'KAFKA_TOPIC',
      'KAFKA_GROUP_ID',
      'KAFKA_DLQ_TOPIC',
      'ORDER_SERVICE_URL',
      'ORDER_SERVICE_TOKEN',
    ],
  },
} as const;

const ENV_READS = [
  /\benv\.([A-Z][A-Z0-9_]*)\b/g,
  /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g,
  /\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g,
];

function namesIn(source: string, names: Set<string>): void {
  for (const pattern of ENV_READS) {
    for (const match of source.matchAll(pattern)) names.add(match[1] as string);
  }
}

/** Contracts functions that read the environment for a service that passes it theirs, and where they are. */
const CONTRACTS_ENV_READERS = [
  { call: /\bkafkaConnectionFromEnv\(/, file: 'packages/contracts/src/kafka-connection.ts' },
  { call: /\bdeadLetterTopicOf\([^)]*,\s*env\)/, file: 'packages/contracts/src/kafka.ts' },
];

/**
 * The environment variable names a service's code reads (`env.NAME`, `env['NAME']`, `process.env.NAME`,
 * `int(env, 'NAME', …)`), from its sources — and those of the contracts functions it hands its env to: the Kafka
 * connection's (KAFKA_BROKERS, TLS, SASL) and the dead-letter topic's (KAFKA_DLQ_TOPIC).
 */
export function envNamesReadBy(serviceDir: string): Set<string> {
  const names = new Set<string>();
  for (const file of listFiles(repoPath(serviceDir, 'src'), (name) => name.endsWith('.ts'))) {
    const source = readFileSync(file, 'utf8');
    namesIn(source, names);
    for (const reader of CONTRACTS_ENV_READERS) {
      if (reader.call.test(source)) namesIn(readFileSync(repoPath(reader.file), 'utf8'), names);
    }
  }
  return names;
}
