// The two services as every deployment file must see them, and the env var names their code reads: the
// yardstick for the env blocks of Kubernetes, Compose, mirrord and VS Code alike.
import { readFileSync } from 'node:fs';
import { DEFAULT_PORTS, variablesOf } from '@metalmart/contracts';
import { PROCESSOR_SETTINGS } from '@metalmart/order-processor/config';
import { ORDER_SERVICE_SETTINGS } from '@metalmart/order-service/config';
import { repoPath } from './files.ts';

/** The two services: folder, deployment name, port and the env vars the deployment files must set. */
export const SERVICES = {
  order: {
    dir: 'services/order',
    name: 'order-service',
    port: DEFAULT_PORTS.orderService,
    schema: ORDER_SERVICE_SETTINGS,
    required: ['HOST', 'PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_TOPIC', 'ORDER_SERVICE_TOKEN'],
  },
  processor: {
    dir: 'services/order-processor',
    name: 'order-processor',
    port: DEFAULT_PORTS.processor,
    schema: PROCESSOR_SETTINGS,
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

const ENV_READS = [/\benv\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g];

function namesIn(source: string, names: Set<string>): void {
  for (const pattern of ENV_READS) {
    for (const match of source.matchAll(pattern)) names.add(match[1] as string);
  }
}

/**
 * The environment variable names a service reads: those of its config schema (`src/config.ts`, the one place
 * its settings are declared), and what its `main.ts` reads before the config (`process.env.LOG_LEVEL`).
 */
export function envNamesReadBy(service: (typeof SERVICES)[keyof typeof SERVICES]): Set<string> {
  const names = new Set(variablesOf(service.schema).map((v) => v.variable));
  namesIn(readFileSync(repoPath(service.dir, 'src', 'main.ts'), 'utf8'), names);
  return names;
}
