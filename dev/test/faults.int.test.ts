// The fault lab's faults on real processes: a processor paused stops answering and answers again, PostgreSQL's
// backend crash and freeze on a private server of this test, a poison record on the topic, and partitions added —
// each checked from outside (its health endpoint, a query, Kafka's own tools).
import { plaintextConnection } from '@metalmart/contracts/kafka-connection';
import { awaitEveryOrderShipped, placeOrders } from '@metalmart/test-support/fleet';
import { createTestDatabase, createTestTopic, kafkaBrokers, uniqueName } from '@metalmart/test-support/infra';
import { consumeWithConsoleConsumer, describeTopic } from '@metalmart/test-support/kafka-tools';
import { startPrivatePostgres } from '@metalmart/test-support/private-postgres';
import { startOrderService, startProcessor } from '@metalmart/test-support/processes';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultLab, type FaultTargets } from '../src/lab/faults.ts';
import { type SlowProxy, startSlowProxy } from '../src/lab/slow-proxy.ts';

let topic: string;
let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
let lab: FaultLab;
let processorPid: number | undefined;
let processorUrl: string;
let slow: SlowProxy;
let processorLogs: string[] = [];
let orderServiceUrl: string;
let databaseUrl: string;
const stops: (() => Promise<unknown>)[] = [];

const answers = async (url: string) =>
  (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok === true;

beforeAll(async () => {
  topic = await createTestTopic('faults', 2);
  postgres = await startPrivatePostgres();
  stops.push(() => postgres.destroy());
  databaseUrl = await createTestDatabase();
  const service = await startOrderService({
    databaseUrl,
    kafkaBrokers: kafkaBrokers(),
    topic,
  });
  stops.push(() => service.stop());
  orderServiceUrl = service.url;
  // As under npm start: the processor reaches the Order Service through the lab's proxy.
  slow = await startSlowProxy(service.url);
  stops.push(() => slow.close());
  const processor = await startProcessor({
    kafkaBrokers: kafkaBrokers(),
    topic,
    groupId: uniqueName('faults-group'),
    orderServiceUrl: slow.url,
    instance: 'faults-processor',
    // The partitions grow mid-file: the processor sees them within 2 s, as under npm start's lab.
    env: { KAFKA_METADATA_MAX_AGE_MS: '2000' },
  });
  processorLogs = processor.logs;
  stops.push(() => processor.stop());
  processorPid = processor.child.pid;
  processorUrl = processor.url;
  const targets: FaultTargets = {
    processorPids: () => (processorPid === undefined ? [] : [processorPid]),
    kafkaNodes: () => [],
    postgres: () => ({ pid: postgres.pid, adminUrl: postgres.adminUrl, database: 'metalmart' }),
    kafka: plaintextConnection(kafkaBrokers()),
    topic,
    orderServiceLatency: { set: (ms) => slow.setLatency(ms) },
  };
  lab = new FaultLab(targets);
});
afterAll(async () => {
  await lab?.endAll();
  for (const stop of stops.reverse()) await stop().catch(() => {});
});

describe('the fault lab on real processes', () => {
  it('pauses a processor (it stops answering) and resumes it (it answers again)', async () => {
    expect(await answers(processorUrl)).toBe(true);
    await lab.start('pause-processor');
    expect(await answers(processorUrl)).toBe(false);
    await lab.end('pause-processor');
    expect(await answers(processorUrl)).toBe(true);
    expect(lab.timeline().map((e) => [e.fault, e.endedAt !== null])).toEqual([['pause-processor', true]]);
  });

  it('crashes a PostgreSQL backend (its session dies, the server recovers) and freezes the server for a time', async () => {
    const victim = new pg.Client({ connectionString: postgres.url });
    await victim.connect();
    const lost = new Promise((resolve) => victim.once('error', resolve));
    await lab.start('crash-postgres');
    expect(await lost).toBeInstanceOf(Error);
    const db = new pg.Pool({ connectionString: postgres.url, query_timeout: 1000, connectionTimeoutMillis: 1000 });
    try {
      await expect
        .poll(async () => (await db.query('SELECT 1 AS one').catch(() => undefined))?.rows[0]?.one, {
          timeout: 30_000,
          interval: 500,
        })
        .toBe(1);
      await lab.start('freeze-postgres', { seconds: 3 });
      await expect(db.query('SELECT 1')).rejects.toThrow();
      await expect
        .poll(async () => (await db.query('SELECT 1 AS one').catch(() => undefined))?.rows[0]?.one, {
          timeout: 15_000,
          interval: 500,
        })
        .toBe(1);
      expect(lab.list().find((f) => f.name === 'freeze-postgres')?.active).toBe(false); // thawed by its timer
    } finally {
      await db.end();
    }
  });

  it('publishes a poison record and grows the topic, as Kafka’s own tools read them', async () => {
    const poison = await lab.start('poison');
    const key = poison.target.split(' key ')[1];
    const records = await consumeWithConsoleConsumer(kafkaBrokers(), { topic, maxMessages: 1 });
    expect(records.map((r) => [r.key, r.value])).toEqual([[key, 'this is not an order.created event']]);
    await lab.start('grow-partitions');
    expect((await describeTopic(kafkaBrokers(), topic)).partitions).toHaveLength(8);
  });

  it("holds each call to the Order Service's internal API for the chosen latency, and orders still ship through it", async () => {
    await lab.start('slow-internal-api', { latencyMs: 1500 });
    const began = performance.now();
    const answer = await fetch(`${slow.url}/healthz`);
    expect(answer.status).toBe(200);
    expect(performance.now() - began).toBeGreaterThanOrEqual(1400);
    const ids = await placeOrders(orderServiceUrl, 2);
    await awaitEveryOrderShipped(databaseUrl, ids, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${processorLogs.slice(-30).join('\n')}`);
    });
    await lab.end('slow-internal-api');
    expect(slow.latency()).toBe(0);
  });
});
