// The outbox relay while Kafka refuses every send, and the pruning of published rows — on the real PostgreSQL,
// with an in-memory producer of the project's own EventProducer interface that always fails.

import { createTestDatabase, pool as testPool } from '@metalmart/test-support/infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventProducer } from '../src/kafka/producer.ts';
import { pruneOutbox } from '../src/outbox/pruner.ts';
import { OutboxRelay } from '../src/outbox/relay.ts';

let db: ReturnType<typeof testPool>;
beforeAll(async () => {
  db = testPool(await createTestDatabase());
});
afterAll(async () => {
  await db.end();
});

async function addOutboxRow(age = '0 seconds', published: string | null = null) {
  await db.query(
    `INSERT INTO outbox (event_id, topic, message_key, payload, headers, created_at, published_at)
     VALUES (gen_random_uuid(), 'hygiene', gen_random_uuid()::text, '{}', '{}', now() - $1::interval,
             CASE WHEN $2::text IS NULL THEN NULL ELSE now() - $2::interval END)`,
    [age, published],
  );
}

describe('outbox hygiene', () => {
  it('keeps its backoff while Kafka is down, however many orders arrive (no send storm)', async () => {
    await db.query('DELETE FROM outbox');
    let sendAttempts = 0;
    const down: EventProducer = {
      send: async () => {
        sendAttempts += 1;
        throw new Error('Kafka is down');
      },
      ping: async () => {},
      close: async () => {},
    };
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const relay = new OutboxRelay({ pool: db, producer: down, log: quiet, pollIntervalMs: 1000, publishWaitMs: 0 });
    relay.start();
    // 50 orders a second for 10 s, each waking the relay as the Order Service does after its commit.
    for (let i = 0; i < 500; i++) {
      await addOutboxRow();
      relay.wake();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await relay.stop();
    // Backoff from 200 ms, doubling, capped at 10 s (±20 %): about 6 attempts in 10 s; one per wake would be 500.
    expect(sendAttempts).toBeGreaterThanOrEqual(3);
    expect(sendAttempts).toBeLessThanOrEqual(10);
    const { rows } = await db.query<{ max: number }>('SELECT max(attempts) FROM outbox');
    expect(rows[0]?.max).toBeLessThanOrEqual(10);
  });

  it('prunes rows published longer ago than the retention, never unpublished ones', async () => {
    await db.query('DELETE FROM outbox');
    await addOutboxRow('10 days', '10 days'); // published long ago: goes
    await addOutboxRow('10 days', '1 hour'); // published recently: stays
    await addOutboxRow('10 days', null); // never published: stays, whatever its age
    expect(await pruneOutbox(db, 7 * 24 * 3_600_000, 1)).toBe(1);
    const { rows } = await db.query<{ published: boolean }>('SELECT published_at IS NOT NULL AS published FROM outbox');
    expect(rows.map((r) => r.published).sort()).toEqual([false, true]);
  });
});
