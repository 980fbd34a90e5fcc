// The walking skeleton, end to end on the real servers: POST → PostgreSQL row → order.created on Kafka →
// consumer group → pending → processing → confirmed → shipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerLag, createTestDatabase, createTestTopic, kafkaBrokers, pool, uniqueName } from './support/infra.ts';
import { getOrder, placeOrder } from './support/orders.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

describe('pipeline on real PostgreSQL and Kafka', () => {
  let databaseUrl: string;
  let topic: string;
  const groupId = uniqueName('order-processor');
  let orderService: ServiceProcess;
  let processor: ServiceProcess;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    topic = await createTestTopic('pipeline');
    orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
    processor = await startProcessor({
      kafkaBrokers: kafkaBrokers(),
      topic,
      groupId,
      orderServiceUrl: orderService.url,
      instance: 'pipeline-1',
    });
  });

  afterAll(async () => {
    await processor?.stop();
    await orderService?.stop();
  });

  it('stores the order, publishes it, and the consumer group ships it', async () => {
    const created = await placeOrder(orderService.url);
    expect(created.status).toBe('pending');

    const db = pool(databaseUrl);
    const row = await db.query('SELECT id, status FROM orders WHERE id = $1', [created.id]);
    await db.end();
    expect(row.rows).toHaveLength(1);

    await waitUntil(
      'order shipped',
      async () => (await getOrder(orderService.url, created.id)).status === 'shipped',
      30_000,
    );
    const order = await getOrder(orderService.url, created.id);
    expect(order.history.map((h) => h.status)).toEqual(['pending', 'processing', 'confirmed', 'shipped']);
    for (const step of order.history.slice(1)) {
      expect(step.processedBy).toMatchObject({ instance: 'pipeline-1', topic });
    }
    // The group's committed offsets cover the record: it was consumed by the group on the real broker.
    await waitUntil('offsets committed', async () => (await consumerLag(topic, groupId)) === 0n, 10_000);
  });

  it('exits cleanly on SIGTERM', async () => {
    expect(await processor.stop()).toBe(0);
    expect(await orderService.stop()).toBe(0);
  });
});
