// The broker itself fails under the running pipeline: frozen for 40 s (SIGSTOP), killed -9 and started
// again. Every accepted order must reach the topic — read back with Kafka's own console consumer, not our
// client — and ship, with no service restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitEveryOrderShipped, placeOrdersContinuously } from './support/fleet.ts';
import { createTestDatabase, createTopicOn, uniqueName } from './support/infra.ts';
import { consumeWithConsoleConsumer } from './support/kafka-tools.ts';
import { startPrivateKafka } from './support/private-kafka.ts';
import { type ServiceProcess, startOrderService, startProcessor } from './support/processes.ts';

let kafka: Awaited<ReturnType<typeof startPrivateKafka>>;
let databaseUrl: string;
let topic: string;
let orderService: ServiceProcess;
let processor: ServiceProcess;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  kafka = await startPrivateKafka();
  topic = uniqueName('broker-faults');
  await createTopicOn(kafka.brokers, topic, 6);
  databaseUrl = await createTestDatabase();
  orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafka.brokers, topic });
  processor = await startProcessor({
    kafkaBrokers: kafka.brokers,
    topic,
    groupId: uniqueName('broker-faults-group'),
    orderServiceUrl: orderService.url,
    instance: 'broker-faults',
    stageDelayMs: 20,
  });
});
afterAll(async () => {
  await Promise.all([processor?.stop(), orderService?.stop()]);
  await kafka?.destroy();
});

/** Every accepted order is on the topic (Java console consumer), shipped once, and the outbox is empty. */
async function expectEveryOrderPublishedAndShipped(ids: string[]) {
  expect(await awaitEveryOrderShipped(databaseUrl, ids)).toEqual([]);
  const records = await consumeWithConsoleConsumer(kafka.brokers, {
    topic,
    maxMessages: 1_000_000,
    timeoutMs: 8000,
  });
  const onTopic = new Set(records.map((r) => r.key));
  expect(ids.filter((id) => !onTopic.has(id))).toEqual([]);
  expect(orderService.child.exitCode).toBeNull();
  expect(processor.child.exitCode).toBeNull();
  return { records: records.length, unique: onTopic.size };
}

describe('the pipeline while the broker fails', () => {
  it('a broker frozen for 40 s (SIGSTOP) while orders come in: every accepted order reaches the topic and ships', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(4000);
    kafka.pause();
    await sleep(40_000);
    kafka.resume();
    await sleep(8000);
    const { accepted } = await shoppers.stop();
    expect(accepted.length).toBeGreaterThan(100);
    const { records, unique } = await expectEveryOrderPublishedAndShipped(accepted);
    console.log(
      `broker stall: ${accepted.length} accepted, ${records} records on the topic (${records - unique} duplicates)`,
    );
  });

  it('a broker killed -9 and started again while orders come in: every accepted order reaches the topic and ships', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(4000);
    await kafka.kill9();
    await sleep(5000);
    await kafka.restart();
    await sleep(8000);
    const { accepted } = await shoppers.stop();
    expect(accepted.length).toBeGreaterThan(50);
    const { records, unique } = await expectEveryOrderPublishedAndShipped(accepted);
    console.log(`broker kill -9: ${accepted.length} accepted, ${records} records on the topic`, {
      duplicates: records - unique,
    });
  });
});
