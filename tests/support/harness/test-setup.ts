// Vitest global setup of the integration tier: the real PostgreSQL and Kafka, started here unless already
// running (npm run infra) or given (DATABASE_URL / KAFKA_BROKERS); stopped afterwards if started here.

import { prefixedLogger } from '@metalmart/dev/log';
import { startInfra } from '@metalmart/dev/runner/stack';
import { readStackSettings } from '@metalmart/dev/settings';
import type { TestProject } from 'vitest/node';
import { removeLeftoversOfEarlierRuns } from './test-leftovers.ts';
import type {} from './vitest-context.ts';

export default async function setup(project: TestProject) {
  const infra = await startInfra(readStackSettings());
  await removeLeftoversOfEarlierRuns(infra, prefixedLogger('test'));
  project.provide('databaseUrl', infra.databaseUrl);
  project.provide('adminDatabaseUrl', infra.adminDatabaseUrl ?? infra.databaseUrl);
  project.provide('kafkaBrokers', infra.kafkaBrokers);
  return () => infra.stop();
}
