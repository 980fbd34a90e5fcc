// Kafka down: orders are still accepted (201), the service stays ready, and their events wait in the outbox; when Kafka is back
// each event is published exactly once. Uses a broker of its own (real Kafka, own ports and data) so
// stopping it does not disturb the other tests.

import { createTestDatabase, createTopicOn, pool, readTopic, uniqueName } from '@metalmart/test-support/infra';
import { buildOrderService } from '@metalmart/test-support/order-service';
import { orderRequest } from '@metalmart/test-support/orders';
import { startPrivateKafka } from '@metalmart/test-support/private-kafka';
import { waitUntil } from '@metalmart/test-support/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let kafka: Awaited<ReturnType<typeof startPrivateKafka>>;
beforeAll(async () => {
  kafka = await startPrivateKafka();
});
afterAll(() => kafka?.destroy());

describe('transactional outbox', () => {
  it('accepts orders while Kafka is down and publishes each event exactly once when it is back', async () => {
    const topic = uniqueName('outbox');
    await createTopicOn(kafka.brokers, topic, 3);
    const databaseUrl = await createTestDatabase();
    const service = await buildOrderService(databaseUrl, topic, kafka.brokers);
    const db = pool(databaseUrl);
    try {
      await kafka.stop();
      const ids: string[] = [];
      const firstPosted = Date.now();
      for (let i = 0; i < 5; i++) {
        const response = await service.app.inject({ method: 'POST', url: '/api/orders', payload: orderRequest() });
        expect(response.statusCode).toBe(201);
        ids.push(response.json().id);
      }
      const waiting = await db.query(
        'SELECT count(*) FROM outbox WHERE message_key = ANY($1) AND published_at IS NULL',
        [ids],
      );
      expect(Number(waiting.rows[0].count)).toBe(5);
      // Still ready (it keeps taking orders: Kubernetes must not take it out of its Service), and says why it waits.
      const ready = await service.app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks).toEqual({ postgres: true, kafka: false });
      expect(ready.json().outbox.unpublished).toBe(5);
      // As old as the first of them, at most: a number, not null (there are rows) nor an older row's age.
      const oldest = ready.json().outbox.oldestUnpublishedSeconds;
      expect(oldest).toEqual(expect.any(Number));
      expect(oldest).toBeLessThanOrEqual((Date.now() - firstPosted) / 1000 + 1);

      await kafka.restart();
      await waitUntil(
        'outbox drained',
        async () => {
          const left = await db.query(
            'SELECT count(*) FROM outbox WHERE message_key = ANY($1) AND published_at IS NULL',
            [ids],
          );
          return Number(left.rows[0].count) === 0;
        },
        60_000,
      );
      const records = await readTopic(topic, 6, 8000, kafka.brokers); // one more than expected: catches a duplicate
      expect(records.map((r) => r.key).sort()).toEqual([...ids].sort());
      const after = (await service.app.inject('/readyz')).json();
      expect(after.checks).toEqual({ postgres: true, kafka: true });
      expect(after.outbox).toEqual({ unpublished: 0, parked: 0, oldestUnpublishedSeconds: null });
    } finally {
      await db.end();
      await service.close();
    }
  });
});
