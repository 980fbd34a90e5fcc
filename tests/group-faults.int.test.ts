// The consumer group's coordinator fails under two processors: every JoinGroup of a rebalance refused (the
// connection cut, as when the coordinator moves or dies mid-rebalance), and the only broker stopped for 15 s.
// Orders are placed throughout; no processor may crash, and every 201 ships with its exact history. The broker
// is reached through a Kafka-aware proxy (tests/support/kafka-proxy.ts), so the test picks which requests fail;
// group membership is read with Kafka's own kafka-consumer-groups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitEveryOrderShipped, placeOrdersContinuously } from './support/fleet.ts';
import { createTestDatabase, createTopicOn, uniqueName } from './support/infra.ts';
import { API } from './support/kafka-proxy.ts';
import { describeGroup } from './support/kafka-tools.ts';
import { startPrivateKafka } from './support/private-kafka.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

let kafka: Awaited<ReturnType<typeof startPrivateKafka>>;
let proxy: NonNullable<typeof kafka.proxy>;
let databaseUrl: string;
let topic: string;
let groupId: string;
let orderService: ServiceProcess;
const processors: ServiceProcess[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const startOne = (instance: string, ready = true) =>
  startProcessor({
    kafkaBrokers: kafka.brokers,
    topic,
    groupId,
    orderServiceUrl: orderService.url,
    instance,
    ready,
  });

beforeAll(async () => {
  kafka = await startPrivateKafka({ proxied: true });
  proxy = kafka.proxy as typeof proxy;
  topic = uniqueName('group-faults');
  groupId = uniqueName('group-faults-group');
  await createTopicOn(kafka.brokers, topic, 6);
  databaseUrl = await createTestDatabase();
  orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafka.brokers, topic });
  processors.push(await startOne('group-faults-1'), await startOne('group-faults-2'));
});
afterAll(async () => {
  await Promise.all([...processors.map((p) => p.stop()), orderService?.stop()]);
  await kafka?.destroy();
});

/** Every 201 shipped with its exact history; the two processors are still their first process and own all 6. */
async function expectEveryAcceptedOrderShipped(accepted: string[]) {
  expect(accepted.length).toBeGreaterThan(20);
  expect(await awaitEveryOrderShipped(databaseUrl, accepted)).toEqual([]);
  for (const processor of processors.slice(0, 2)) expect(processor.child.exitCode).toBeNull();
  let seen = 'nothing yet';
  try {
    await waitUntil(
      'the two processors own all six partitions',
      async () => {
        const rows = await describeGroup(kafka.brokers, groupId);
        seen = rows.map((r) => `${r.partition}:${r.clientId ?? '-'}`).join(' ');
        const owners = new Set(rows.map((r) => r.clientId));
        return (
          rows.length === 6 &&
          rows.every((r) => r.clientId?.startsWith('order-processor-group-faults-')) &&
          owners.size === 2
        );
      },
      60_000,
      1000,
    );
  } catch (error) {
    // What the group looked like and what each processor said last: the failure's only evidence.
    const tails = processors.map((p) => p.logs.slice(-25).join('\n')).join('\n----\n');
    throw new Error(`${(error as Error).message}; last seen ${seen}\n${tails}`);
  }
}

describe('the pipeline while the group coordinator fails', () => {
  it('a rebalance whose every JoinGroup is cut for 8 s: the processors log it, rejoin by themselves, nothing crashes', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    const third = await startOne('group-faults-3');
    await sleep(3000);
    proxy.refuse(API.JoinGroup);
    await third.stop(); // leaves the group: the others' next heartbeat says "rejoin", and that JoinGroup fails
    await sleep(8000);
    expect(proxy.counts.refused).toBeGreaterThan(0);
    proxy.refuse(API.JoinGroup, false);
    await sleep(6000);
    const { accepted } = await shoppers.stop();
    await expectEveryAcceptedOrderShipped(accepted);
    for (const processor of processors)
      expect(processor.logs.some((line) => line.includes('consumer group membership lost'))).toBe(true);
  });

  it('the only broker (the coordinator) stopped for 15 s under two processors: nothing crashes, every order ships', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(3000);
    await kafka.stop();
    await sleep(15_000);
    await kafka.restart();
    await sleep(8000);
    const { accepted } = await shoppers.stop();
    await expectEveryAcceptedOrderShipped(accepted);
  });
});
