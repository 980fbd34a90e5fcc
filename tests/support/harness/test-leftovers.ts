import { clientOptions } from '@metalmart/contracts/kafka-connection';
import type { Infra } from '@metalmart/dev/runner/stack';
import { Admin } from '@platformatic/kafka';
import pg from 'pg';

/** Test topics are `<prefix>-<time base36>-<6 hex>` (tests/support/infra.ts uniqueName), plus their `.dlq`. */
const TEST_TOPIC = /^[a-z0-9-]+-[0-9a-z]{8,9}-[0-9a-f]{6}(\.dlq)?$/;

/**
 * Each test file makes its own database and topics and removes them when it finishes (tests/support/cleanup.ts);
 * a run killed before that leaves them, and the next run removes them here, on the project's own local servers
 * only (never on DATABASE_URL / KAFKA_BROKERS servers).
 */
export async function removeLeftoversOfEarlierRuns(infra: Infra, log: (line: string) => void): Promise<void> {
  if (infra.adminDatabaseUrl) {
    const client = new pg.Client({ connectionString: infra.adminDatabaseUrl });
    await client.connect();
    try {
      const old = await client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'mm\\_test\\_%' OR datname LIKE 'metalmart\\_bench\\_%'",
      );
      for (const { datname } of old.rows) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => {}); // in use: keep it
      }
      if (old.rowCount) log(`removed ${old.rowCount} test databases of earlier runs`);
    } finally {
      await client.end();
    }
  }
  if (infra.servers.kafka) {
    const admin = new Admin({ clientId: 'metalmart-test-cleanup', ...clientOptions(infra.kafka) });
    try {
      const topics = (await admin.listTopics()).filter((t) => TEST_TOPIC.test(t));
      if (topics.length > 0) {
        await admin.deleteTopics({ topics });
        log(`removed ${topics.length} test topics of earlier runs`);
      }
    } finally {
      await admin.close();
    }
  }
}
