// `npm run bench`: throughput of the pipeline on this machine, next to the raw limits of the same
// PostgreSQL and Kafka. Prints figures; asserts nothing (speed is measured here, never in a test).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import autocannon from 'autocannon';
import pg from 'pg';
import { createDatabaseIfMissing } from '../dev/src/postgres.ts';
import { readStackSettings } from '../dev/src/settings.ts';
import { startInfra } from '../dev/src/stack.ts';
import { ensureTopics } from '../dev/src/topics.ts';
import { migrate } from '../services/order/src/store/migrate.ts';
import { orderRequest } from '../tests/support/orders.ts';
import { startOrderService, startProcessor } from '../tests/support/processes.ts';

const seconds = Number(process.env.BENCH_SECONDS || 10);
const connections = Number(process.env.BENCH_CONNECTIONS || 32);
const results: [string, string][] = [];
const report = (name: string, value: string) => {
  results.push([name, value]);
  console.log(`  ${name}: ${value}`);
};

const infra = await startInfra(readStackSettings());
const suffix = randomBytes(3).toString('hex');
const database = `metalmart_bench_${suffix}`;
if (!infra.adminDatabaseUrl) throw new Error('the benchmark needs the local PostgreSQL (unset DATABASE_URL)');
await createDatabaseIfMissing(infra.adminDatabaseUrl, database);
const databaseUrl = infra.databaseUrl.replace(/\/[^/]+$/, `/${database}`);
await migrate(databaseUrl);
const topic = `bench-${suffix}`;
await ensureTopics(infra.kafkaBrokers, topic, 6);

async function rawPostgres(): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw (id bigint GENERATED ALWAYS AS IDENTITY, payload text)');
  const payload = JSON.stringify(orderRequest());
  let count = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) {
        await pool.query('INSERT INTO bench_raw (payload) VALUES ($1)', [payload]);
        count++;
      }
    }),
  );
  await pool.end();
  return count / seconds;
}

async function rawKafka(): Promise<number> {
  const producer = new Producer({
    clientId: 'bench',
    bootstrapBrokers: [infra.kafkaBrokers],
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  const value = 'x'.repeat(900); // about the size of an order.created event
  let count = 0;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    await producer.send({
      messages: Array.from({ length: 100 }, (_, i) => ({ topic: `${topic}-raw`, key: `${count + i}`, value })),
    });
    count += 100;
  }
  await producer.close();
  return count / seconds;
}

console.log(`MetalMart benchmark (${seconds} s per phase, ${connections} HTTP connections)\n`);
console.log('Raw limits of the local servers:');
report('PostgreSQL single-row INSERT, 8 connections, autocommit (tx/s)', (await rawPostgres()).toFixed(0));
await ensureTopics(infra.kafkaBrokers, `${topic}-raw`, 6);
report('Kafka idempotent producer, acks=all, batches of 100 x 900 B (msg/s)', (await rawKafka()).toFixed(0));

console.log('\nOrder Service (separate process): POST /api/orders');
const orderService = await startOrderService({ databaseUrl, kafkaBrokers: infra.kafkaBrokers, topic });
const run = await autocannon({
  url: `${orderService.url}/api/orders`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(orderRequest()),
  connections,
  duration: seconds,
});
report('orders accepted (req/s, mean)', run.requests.average.toFixed(0));
report('latency p50 / p99 (ms)', `${run.latency.p50} / ${run.latency.p99}`);
report('non-2xx responses', String(run.non2xx));
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const count = async (sql: string) => Number((await db.query(sql)).rows[0].count);
const accepted = await count('SELECT count(*) FROM orders');
const publishStart = Date.now();
while ((await count('SELECT count(*) FROM outbox WHERE published_at IS NULL')) > 0) await sleep(100);
report('outbox backlog drained after the load (ms)', String(Date.now() - publishStart));

console.log(`\nOrder Processor (STAGE_DELAY_MS=0): ${accepted} queued orders to shipped`);
const instances = Number(process.env.BENCH_PROCESSORS || 2);
const started = Date.now();
const processors = await Promise.all(
  Array.from({ length: instances }, (_, i) =>
    startProcessor({
      kafkaBrokers: infra.kafkaBrokers,
      topic,
      groupId: `bench-${suffix}`,
      orderServiceUrl: orderService.url,
      instance: `bench-${i + 1}`,
      stageDelayMs: 0,
      concurrency: 64,
    }),
  ),
);
while ((await count("SELECT count(*) FROM orders WHERE status <> 'shipped'")) > 0) await sleep(200);
const elapsed = (Date.now() - started) / 1000;
report(`orders shipped per second (${instances} instances, incl. their start)`, (accepted / elapsed).toFixed(0));
report('status transitions per second', ((accepted * 3) / elapsed).toFixed(0));

await Promise.all(processors.map((p) => p.stop()));
await orderService.stop();
await db.end();
await infra.stop();
console.log('\nDone. The bench database and topics are left in place for inspection.');
