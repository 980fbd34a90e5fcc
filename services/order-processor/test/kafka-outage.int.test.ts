// Kafka goes away under a running processor: it must wait and re-subscribe, not exit, and ship what comes
// after. A broker of this test's own, so stopping it disturbs no other test.

import { createTestDatabase, createTopicOn, uniqueName } from '@metalmart/test-support/infra';
import { getOrder, placeOrder } from '@metalmart/test-support/orders';
import { startPrivateKafka } from '@metalmart/test-support/private-kafka';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from '@metalmart/test-support/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let kafka: Awaited<ReturnType<typeof startPrivateKafka>>;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  kafka = await startPrivateKafka();
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await kafka?.destroy();
});

describe('order processor during a Kafka outage', () => {
  it('keeps running, re-subscribes when Kafka is back, and ships the orders placed meanwhile', async () => {
    const topic = uniqueName('outage-kafka');
    await createTopicOn(kafka.brokers, topic, 3);
    const databaseUrl = await createTestDatabase();
    const orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafka.brokers, topic });
    running.push(orderService);
    const processor = await startProcessor({
      kafkaBrokers: kafka.brokers,
      topic,
      groupId: uniqueName('outage-group'),
      orderServiceUrl: orderService.url,
      instance: 'outage-survivor',
      stageDelayMs: 50,
    });
    running.push(processor);
    const first = await placeOrder(orderService.url);
    await waitUntil(
      'first order shipped',
      async () => (await getOrder(orderService.url, first.id)).status === 'shipped',
      30_000,
    );

    await kafka.stop();
    const during = await placeOrder(orderService.url); // accepted: it waits in the outbox
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(processor.child.exitCode).toBeNull();
    expect(processor.logs.join('\n')).toMatch(/Kafka consumer lost/);

    await kafka.restart();
    await waitUntil(
      'order placed during the outage shipped',
      async () => (await getOrder(orderService.url, during.id)).status === 'shipped',
      90_000,
      500,
    );
    const after = await placeOrder(orderService.url);
    await waitUntil(
      'order placed after the outage shipped',
      async () => (await getOrder(orderService.url, after.id)).status === 'shipped',
      30_000,
    );
    expect(processor.child.exitCode).toBeNull();
  });
});
