// Two Order Service instances on one database: a POST waits (up to PUBLISH_WAIT_MS) until its event is on Kafka,
// and the relay that published it may be the other instance's. Here the first instance's relay is stopped, so only
// the second one's can publish: the POST must learn of it and answer long before PUBLISH_WAIT_MS.
import { createTestDatabase, createTestTopic, pool } from '@metalmart/test-support/infra';
import { buildOrderService } from '@metalmart/test-support/order-service';
import { orderRequest } from '@metalmart/test-support/orders';
import { afterAll, describe, expect, it } from 'vitest';

const closing: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close();
});

describe('a POST whose event another instance published', () => {
  it('answers as soon as that relay published, not after PUBLISH_WAIT_MS', async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('two-relays', 3);
    const env = { PUBLISH_WAIT_MS: '5000', OUTBOX_POLL_MS: '200' };
    const first = await buildOrderService(databaseUrl, topic, undefined, env);
    closing.push(() => first.close());
    const second = await buildOrderService(databaseUrl, topic, undefined, env);
    closing.push(() => second.close());
    await first.relay.stop(); // only the second instance publishes now (its poll finds the first one's rows)
    const started = Date.now();
    const response = await first.app.inject({ method: 'POST', url: '/api/orders', payload: orderRequest() });
    const waited = Date.now() - started;
    expect(response.statusCode).toBe(201);
    const db = pool(databaseUrl);
    closing.push(() => db.end());
    const { rows } = await db.query('SELECT published_at FROM outbox WHERE message_key = $1', [response.json().id]);
    expect(rows[0]?.published_at).not.toBeNull();
    // The second relay published it: its metrics counted the one event, the first's none.
    const publishedBy = async (service: typeof first) =>
      (await service.app.inject({ method: 'GET', url: '/metrics' })).body.match(
        /^metalmart_outbox_publish_latency_seconds_count (\d+)$/m,
      )?.[1];
    expect(await publishedBy(second)).toBe('1');
    expect(await publishedBy(first)).toBe('0');
    console.log(`POST answered after ${waited} ms (the other relay polls every 200 ms)`);
    expect(waited).toBeLessThan(2000);
  });
});
