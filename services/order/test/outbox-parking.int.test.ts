// One outbox row Kafka will never take as it is — a record larger than the topic allows, an event for a topic that
// is gone — must not hold back the rows behind it. The relay parks it (counted in /metrics and on the ops page), the
// orders behind it are published at once, and once the cause is fixed (the topic's limit raised with kafka-configs,
// the topic created) the ops API hands the parked rows back and they are published.
import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  createTestTopic,
  createTopicOn,
  kafkaBrokers,
  pool,
  uniqueName,
} from '@metalmart/test-support/infra';
import { consumeWithConsoleConsumer, runKafkaToolOrThrow } from '@metalmart/test-support/kafka-tools';
import { buildOrderService } from '@metalmart/test-support/order-service';
import { orderRequest } from '@metalmart/test-support/orders';
import { waitUntil } from '@metalmart/test-support/processes';
import { afterAll, describe, expect, it } from 'vitest';

const closing: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close();
});

describe('an outbox row Kafka will never take as it is', () => {
  it('is parked, the rows behind it go out, and it is published once its cause is fixed and it is republished', async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('parking', 3);
    const gone = uniqueName('parking-gone'); // a topic that does not exist (yet)
    const db = pool(databaseUrl);
    closing.push(() => db.end());
    const service = await buildOrderService(databaseUrl, topic, undefined, { OPS_API: '1' });
    closing.push(() => service.close());
    await service.relay.stop(); // the two bad rows are written first, so they head the outbox when it starts again

    const insert = (to: string, payload: string) =>
      db.query(
        `INSERT INTO outbox (event_id, topic, message_key, payload, headers) VALUES ($1, $2, $3, $4, '{}') RETURNING id`,
        [randomUUID(), to, randomUUID(), payload],
      );
    const tooLarge = (await insert(topic, 'x'.repeat(1_500_000))).rows[0].id; // over the broker's 1 MB default
    const forGone = (await insert(gone, '{}')).rows[0].id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await service.app.inject({ method: 'POST', url: '/api/orders', payload: orderRequest() });
      expect(response.statusCode).toBe(201); // durable in PostgreSQL whatever the relay does
      ids.push(response.json().id);
    }
    service.relay.start();

    const published = async (keys: string[]) =>
      Number(
        (await db.query('SELECT count(*) FROM outbox WHERE message_key = ANY($1) AND published_at IS NOT NULL', [keys]))
          .rows[0].count,
      );
    await waitUntil('the five orders behind the bad rows published', async () => (await published(ids)) === 5, 30_000);
    const parked = await db.query('SELECT id, last_error FROM outbox WHERE parked_at IS NOT NULL ORDER BY id');
    expect(parked.rows.map((r) => r.id)).toEqual([tooLarge, forGone]);
    expect(parked.rows[0].last_error).toMatch(/larger than the max message size|MESSAGE_TOO_LARGE/i);
    expect(parked.rows[1].last_error).toContain(`Unknown topic ${gone}`);
    const metrics = (await service.app.inject('/metrics')).body;
    expect(metrics).toMatch(/^metalmart_outbox_parked 2$/m);
    expect(metrics).toMatch(/^metalmart_outbox_unpublished 0$/m);
    const snapshot = (await service.app.inject('/api/ops/snapshot')).json();
    expect(snapshot.outbox).toMatchObject({ unpublished: 0, parked: 2 });
    const onTopic = await consumeWithConsoleConsumer(kafkaBrokers(), { topic, maxMessages: 5, timeoutMs: 15_000 });
    expect(new Set(onTopic.map((r) => r.key))).toEqual(new Set(ids));

    // The causes fixed: the topic takes larger records, the missing topic exists. Then republished.
    await runKafkaToolOrThrow(kafkaBrokers(), 'configs', [
      ...['--alter', '--entity-type', 'topics', '--entity-name', topic],
      ...['--add-config', 'max.message.bytes=3000000'],
    ]);
    await createTopicOn(kafkaBrokers(), gone, 1);
    const republish = await service.app.inject({ method: 'POST', url: '/api/ops/outbox/parked/republish' });
    expect(republish.json()).toEqual({ republished: 2 });
    await waitUntil(
      'the parked rows published',
      async () =>
        Number(
          (
            await db.query('SELECT count(*) FROM outbox WHERE id = ANY($1) AND published_at IS NOT NULL', [
              [tooLarge, forGone],
            ])
          ).rows[0].count,
        ) === 2,
      30_000,
    );
    const [record] = await consumeWithConsoleConsumer(kafkaBrokers(), {
      topic: gone,
      maxMessages: 1,
      timeoutMs: 15_000,
    });
    expect(record?.value).toBe('{}');
    expect((await service.app.inject('/metrics')).body).toMatch(/^metalmart_outbox_parked 0$/m);
  });
});
