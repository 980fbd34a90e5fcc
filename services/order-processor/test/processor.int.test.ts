// The Order Processor as real child processes on the real Kafka broker, against a real Order Service and
// PostgreSQL: queueing while stopped, kill -9, scaling out, poison messages, and an Order Service outage.
import { deadLetterTopicOf, HEADERS } from '@metalmart/contracts';
import { clientOptions } from '@metalmart/contracts/kafka-connection';
import { histories, instancesThatShipped, placeOrders, statusCounts } from '@metalmart/test-support/fleet';
import {
  consumerLag,
  createTestDatabase,
  createTestTopic,
  kafkaBrokers,
  kafkaConnection,
  readTopic,
  uniqueName,
} from '@metalmart/test-support/infra';
import { describeGroup, describeMembers, runKafkaToolOrThrow } from '@metalmart/test-support/kafka-tools';
import { orderCreatedEvent, placeOrder } from '@metalmart/test-support/orders';
import {
  freePort,
  type ServiceProcess,
  startOrderService,
  startProcessor,
  waitUntil,
} from '@metalmart/test-support/processes';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let databaseUrl: string;
const running = new Set<ServiceProcess>();
function track(p: ServiceProcess): ServiceProcess {
  running.add(p);
  return p;
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all([...running].map((p) => p.stop()));
  running.clear();
});

/** A topic, a group and an Order Service of the test's own. */
async function pipeline(prefix: string, port?: number) {
  const topic = await createTestTopic(prefix);
  const groupId = uniqueName(`${prefix}-group`);
  const orderService = track(await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic, port }));
  const processor = (
    instance: string,
    options: { stageDelayMs?: number; concurrency?: number; env?: Record<string, string> } = {},
  ) =>
    startProcessor({
      kafkaBrokers: kafkaBrokers(),
      topic,
      groupId,
      orderServiceUrl: orderService.url,
      instance,
      ...options,
    }).then(track);
  return { topic, groupId, orderService, processor };
}

async function expectAllShippedOnce(ids: string[], timeoutMs = 90_000) {
  await waitUntil(
    `${ids.length} orders shipped`,
    async () => (await statusCounts(databaseUrl, ids)).shipped === ids.length,
    timeoutMs,
    500,
  );
  const all = await histories(databaseUrl, ids);
  expect(all.size).toBe(ids.length);
  for (const statuses of all.values()) expect(statuses).toEqual(['pending', 'processing', 'confirmed', 'shipped']);
}

describe('order processor', () => {
  it('leaves orders waiting in Kafka while stopped, and ships them all once started', async () => {
    const { topic, groupId, orderService, processor } = await pipeline('queued');
    const ids = await placeOrders(orderService.url, 10);
    await waitUntil('events on the topic', async () => (await readTopic(topic, 10, 5000)).length === 10);
    expect(await statusCounts(databaseUrl, ids)).toEqual({ pending: 10 });
    expect(await consumerLag(topic, groupId)).toBe(10n);

    await processor('late-starter');
    await expectAllShippedOnce(ids);
    await waitUntil('lag drained', async () => (await consumerLag(topic, groupId)) === 0n, 10_000);
  });

  it('as the only instance, owns partitions added at run time (kafka-topics --alter; kafka-consumer-groups)', async () => {
    const { topic, groupId, orderService, processor } = await pipeline('lone-grown');
    await processor('lone', { env: { KAFKA_METADATA_MAX_AGE_MS: '1000' } });
    await runKafkaToolOrThrow(kafkaBrokers(), 'topics', ['--alter', '--topic', topic, '--partitions', '9']);
    const owned = async () => (await describeMembers(kafkaBrokers(), groupId))[0]?.assignment[topic] ?? [];
    await waitUntil('the lone member owns all 9 partitions', async () => (await owned()).length === 9, 30_000);
    expect(await owned()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await expectAllShippedOnce(await placeOrders(orderService.url, 10));
  });

  it('loses nothing and repeats nothing when killed with SIGKILL mid-batch, several times', async () => {
    const { orderService, processor } = await pipeline('kill9');
    const ids = await placeOrders(orderService.url, 200);
    const options = { stageDelayMs: 150, concurrency: 16 };
    for (let round = 1; round <= 3; round++) {
      const victim = await processor(`victim-${round}`, options);
      await waitUntil(
        'some progress',
        async () => (await statusCounts(databaseUrl, ids)).shipped !== undefined || round > 1,
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 700));
      await victim.kill9();
      running.delete(victim);
    }
    const counts = await statusCounts(databaseUrl, ids);
    expect(counts.shipped ?? 0).toBeLessThan(200); // the kills really interrupted the batch
    await processor('survivor', options);
    await expectAllShippedOnce(ids, 120_000);
  });

  it('loses nothing and records each status once when instances join mid-flight and are killed -9 right after', async () => {
    const { orderService, processor, groupId } = await pipeline('join-kill');
    // ~7 orders/s per instance: the 300 orders outlast the three join-and-kill rounds.
    const options = { stageDelayMs: 700, concurrency: 16 };
    await processor('steady', options);
    const ids = await placeOrders(orderService.url, 300);
    for (let round = 1; round <= 3; round++) {
      const joiner = await processor(`joiner-${round}`, options); // resolves once it has joined (a rebalance)
      await new Promise((resolve) => setTimeout(resolve, 1500)); // it takes partitions and starts orders …
      await joiner.kill9(); // … and dies holding them: another rebalance after the session timeout
      running.delete(joiner);
    }
    expect((await statusCounts(databaseUrl, ids)).shipped ?? 0).toBeLessThan(300);
    await expectAllShippedOnce(ids, 180_000);
    // Kafka's own view: the survivor committed every partition to its end.
    await waitUntil(
      'group committed to the end',
      async () => (await describeGroup(kafkaBrokers(), groupId)).every((r) => r.lag === 0),
      30_000,
      1000,
    );
  });

  it('spreads the partitions over three instances and loses nothing when one stops mid-run', async () => {
    const { orderService, processor } = await pipeline('scale');
    const instances: ServiceProcess[] = [];
    for (const name of ['scale-a', 'scale-b', 'scale-c'])
      instances.push(await processor(name, { stageDelayMs: 100, concurrency: 8 }));
    const assignments = async () =>
      Promise.all(
        instances.map(async (p) => {
          const status = (await (await fetch(`${p.url}/status`)).json()) as { assignments: { partitions: number[] }[] };
          return status.assignments.flatMap((a) => a.partitions);
        }),
      );
    await waitUntil(
      'every instance owns partitions',
      async () => (await assignments()).every((p) => p.length > 0),
      30_000,
    );
    const owned = await assignments();
    expect(owned.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const ids = await placeOrders(orderService.url, 150);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await instances[1]?.stop()).toBe(0);
    running.delete(instances[1] as ServiceProcess);
    await expectAllShippedOnce(ids);
    expect((await instancesThatShipped(databaseUrl, ids)).size).toBeGreaterThanOrEqual(2);
  });

  it('dead-letters poison messages with the reason and keeps shipping the valid orders around them', async () => {
    const { topic, orderService, processor } = await pipeline('poison');
    const before = await placeOrder(orderService.url);
    // Valid by contract, but no such order exists.
    const unknownOrder = orderCreatedEvent();
    const producer = new Producer({
      clientId: uniqueName('poisoner'),
      ...clientOptions(kafkaConnection()),
      serializers: stringSerializers,
    });
    await producer.send({
      messages: [
        { topic, key: 'garbage', value: 'this is not json', headers: { [HEADERS.customerEmail]: 'x@example.com' } },
        { topic, key: 'wrong-shape', value: JSON.stringify({ type: 'order.created', version: 1 }) },
        { topic, key: unknownOrder.order.id, value: JSON.stringify(unknownOrder) },
      ],
    });
    await producer.close();
    const after = await placeOrder(orderService.url);
    await processor('poison-eater');

    const letters = await readTopic(deadLetterTopicOf(topic), 3);
    expect(letters.map((l) => l.key).sort()).toEqual(['garbage', unknownOrder.order.id, 'wrong-shape'].sort());
    const garbage = letters.find((l) => l.key === 'garbage');
    expect(garbage?.value).toBe('this is not json');
    expect(garbage?.headers.get(HEADERS.customerEmail)).toBe('x@example.com');
    expect(garbage?.headers.get(HEADERS.dlqError)).toContain('not JSON');
    expect(garbage?.headers.get(HEADERS.dlqSourceTopic)).toBe(topic);
    expect(letters.find((l) => l.key === 'wrong-shape')?.headers.get(HEADERS.dlqError)).toContain('does not match');
    expect(letters.find((l) => l.key === unknownOrder.order.id)?.headers.get(HEADERS.dlqError)).toContain(
      'unknown order',
    );
    await expectAllShippedOnce([before.id, after.id]);
  });

  it('retries while the Order Service is down and ships everything once it is back', async () => {
    const port = await freePort();
    const { topic, orderService, processor } = await pipeline('outage', port);
    const ids = await placeOrders(orderService.url, 20);
    await waitUntil('events on the topic', async () => (await readTopic(topic, 20, 5000)).length === 20);
    expect(await orderService.stop()).toBe(0);
    running.delete(orderService);
    const worker = await processor('patient', { stageDelayMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(worker.logs.some((line) => line.includes('Order Service unreachable'))).toBe(true);
    expect(await statusCounts(databaseUrl, ids)).toEqual({ pending: 20 });

    track(await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic, port }));
    await expectAllShippedOnce(ids);
  });
});

afterAll(async () => {
  await Promise.all([...running].map((p) => p.stop()));
});
