// The Order Service as the manifests run it — two instances on one database — and one of them killed -9 mid-traffic
// and started again. Orders are placed on both throughout; every 201 must be on the topic (read with Kafka's own
// console consumer) and ship with its exact history, and both relays must have published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitEveryOrderShipped, placeOrdersContinuously } from './support/fleet.ts';
import { createTestDatabase, createTestTopic, kafkaBrokers, uniqueName } from './support/infra.ts';
import { consumeWithConsoleConsumer } from './support/kafka-tools.ts';
import { freePort, type ServiceProcess, startOrderService, startProcessor } from './support/processes.ts';

let databaseUrl: string;
let topic: string;
let port: number;
let first: ServiceProcess;
let second: ServiceProcess;
let processor: ServiceProcess;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const startFirst = () => startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic, port });

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  topic = await createTestTopic('order-service-faults');
  port = await freePort();
  first = await startFirst();
  second = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
  processor = await startProcessor({
    kafkaBrokers: kafkaBrokers(),
    topic,
    groupId: uniqueName('order-service-faults-group'),
    orderServiceUrl: first.url,
    instance: 'order-service-faults',
  });
});
afterAll(async () => {
  await Promise.all([processor?.stop(), first?.stop(), second?.stop()]);
});

/** Events this instance's relay published (its publish-latency histogram counts one per event). */
async function publishedBy(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return Number(/^metalmart_outbox_publish_latency_seconds_count (\d+)/m.exec(text)?.[1] ?? 0);
}

async function expectEveryAcceptedOrderShipped(accepted: string[]) {
  expect(await awaitEveryOrderShipped(databaseUrl, accepted)).toEqual([]);
  const records = await consumeWithConsoleConsumer(kafkaBrokers(), { topic, maxMessages: 1_000_000, timeoutMs: 8000 });
  const onTopic = new Set(records.map((r) => r.key));
  expect(accepted.filter((id) => !onTopic.has(id))).toEqual([]);
  expect(processor.child.exitCode).toBeNull();
  return records;
}

describe('the Order Service, two instances on one database', () => {
  it('both relays publish, every order is on the topic once and ships once', async () => {
    const shoppers = [placeOrdersContinuously(first.url, 3), placeOrdersContinuously(second.url, 3)];
    await sleep(10_000);
    const runs = await Promise.all(shoppers.map((s) => s.stop()));
    const accepted = runs.flatMap((r) => r.accepted);
    expect(accepted.length).toBeGreaterThan(100);
    for (const run of runs) expect(run.failed).toBe(0);
    const records = await expectEveryAcceptedOrderShipped(accepted);
    expect(records.length).toBe(new Set(records.map((r) => r.key)).size); // no fault: no event sent twice
    const [byFirst, bySecond] = await Promise.all([publishedBy(first), publishedBy(second)]);
    console.log(`two instances: ${accepted.length} accepted; relays published ${byFirst} and ${bySecond}`);
    expect(byFirst).toBeGreaterThan(0);
    expect(bySecond).toBeGreaterThan(0);
    expect(byFirst + bySecond).toBe(records.length);
  });

  it('one instance killed -9 mid-traffic and started again: every order accepted by either ships', async () => {
    const shoppers = [placeOrdersContinuously(first.url, 3), placeOrdersContinuously(second.url, 3)];
    await sleep(4000);
    await first.kill9();
    await sleep(3000);
    first = await startFirst(); // same address: the processor's requests failed meanwhile, as an outage
    await sleep(5000);
    const runs = await Promise.all(shoppers.map((s) => s.stop()));
    const accepted = runs.flatMap((r) => r.accepted);
    console.log(
      'Order Service killed -9:',
      runs.map((r) => ({ accepted: r.accepted.length, answers: r.answers })),
    );
    expect(runs[1]?.failed).toBe(0); // the other instance never stopped answering
    await expectEveryAcceptedOrderShipped(accepted);
    expect(processor.logs.filter((line) => line.includes('dead-letter topic'))).toEqual([]);
  });
});
