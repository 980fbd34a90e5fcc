// Work on a partition that was taken away stops retrying and is never dead-lettered by the old owner: processor A
// keeps failing one order (its Order Service answers 500 for it, through a faulty proxy) and is frozen (SIGSTOP)
// past its session mid-retry; the coordinator hands the partition to processor B, which ships the order. Thawed,
// A must leave the order to B. Before the fix A went on retrying on its own and dead-lettered the order B had
// shipped. The dead-letter topic is read with Kafka's own console consumer.
import { deadLetterTopicOf } from '@metalmart/contracts';
import { statusCounts } from '@metalmart/test-support/fleet';
import { createTestDatabase, createTestTopic, kafkaBrokers, pool, uniqueName } from '@metalmart/test-support/infra';
import { consumeWithConsoleConsumer, describeGroup } from '@metalmart/test-support/kafka-tools';
import { placeOrder } from '@metalmart/test-support/orders';
import { startFaultyProxy, startOrderService, startProcessor, waitUntil } from '@metalmart/test-support/processes';
import { afterAll, describe, expect, it } from 'vitest';

const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an order whose partition is revoked mid-retry', () => {
  it('is left to the new owner: the old one stops retrying and dead-letters nothing', async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('revoked', 1);
    const groupId = uniqueName('revoked-group');
    const service = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
    stops.push(() => service.stop());
    // A's Order Service answers every request with a 500, so each of A's attempts fails — even after B shipped
    // the order, when a read would tell A there is nothing left to do (B talks to the Order Service directly).
    const proxy = await startFaultyProxy(service.url, () => true);
    stops.push(() => proxy.stop());
    const a = await startProcessor({
      kafkaBrokers: kafkaBrokers(),
      topic,
      groupId,
      orderServiceUrl: proxy.url,
      instance: 'revoked-a',
      env: { PROCESSOR_MAX_ATTEMPTS: '6' },
    });
    stops.push(() => a.stop());
    const order = await placeOrder(service.url);
    await waitUntil(
      'A retrying the order',
      async () => a.logs.some((l) => l.includes('order handling failed')),
      30_000,
    );
    const pid = a.child.pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      const b = await startProcessor({
        kafkaBrokers: kafkaBrokers(),
        topic,
        groupId,
        orderServiceUrl: service.url,
        instance: 'revoked-b',
      });
      stops.push(() => b.stop());
      await waitUntil(
        'B owns the partition and shipped the order',
        async () =>
          (await describeGroup(kafkaBrokers(), groupId)).every((r) => r.clientId === 'order-processor-revoked-b') &&
          (await statusCounts(databaseUrl, [order.id])).shipped === 1,
        60_000,
        1000,
      );
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // A, thawed, finds its membership gone; its remaining attempts (up to 6, ~15 s of backoff) must not happen.
    await waitUntil('A saw the revocation', async () => a.logs.some((l) => l.includes('partition revoked')), 30_000);
    await sleep(20_000);
    expect(a.child.exitCode).toBeNull();
    const letters = await consumeWithConsoleConsumer(kafkaBrokers(), {
      topic: deadLetterTopicOf(topic),
      maxMessages: 1,
      timeoutMs: 5000,
    }).catch(() => []);
    expect(letters.filter((l) => l.key === order.id)).toEqual([]);
    expect(a.logs.some((l) => l.includes('message → dead-letter topic'))).toBe(false);
    const db = pool(databaseUrl);
    stops.push(() => db.end());
    const history = await db.query<{ status: string }>(
      'SELECT status FROM order_status_history WHERE order_id = $1 ORDER BY at',
      [order.id],
    );
    expect(history.rows.map((r) => r.status)).toEqual(['pending', 'processing', 'confirmed', 'shipped']);
    expect(proxy.refused).toBeGreaterThan(0);
  });
});
