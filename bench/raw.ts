// The raw limits of the same servers the pipeline runs on: pgbench with the project's own SQL (the order +
// outbox insert and the guarded transition, from the store), and Kafka produce/consume at the event's size.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INITIAL_STATUS, previousStatus, TARGET_STATUSES } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { Consumer, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import pg from 'pg';
import { ensureDebianProgram } from '../dev/src/tools/debian.ts';
import { APPLY_TRANSITIONS, INSERT_ORDERS } from '../services/order/src/store/postgres-order-store.ts';

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** A statement of the store with its parameters replaced by SQL expressions (pgbench binds no arrays). */
function withValues(sql: string, values: Record<number, string>): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n)];
    if (value === undefined) throw new Error(`no value for $${n}`);
    return value;
  });
}

export function orderInsertScript(sample: { event: string; headers: string; topic: string }): string {
  const address = JSON.stringify({ line1: '1 Forge Street', city: 'Berlin', postalCode: '10115', country: 'DE' });
  // One order per transaction (the statement takes a group: here a group of one, with two lines). Its id comes from
  // a random 63-bit number, so that the order's lines and event name the same id.
  const one = (value: string) => `ARRAY[${value}]`;
  const id = 'md5(:n::text)::uuid';
  return `\\set n random(1, 9000000000000000000)
${withValues(INSERT_ORDERS, {
  1: one(id),
  2: one('gen_random_uuid()::text'),
  3: one('gen_random_uuid()::text'),
  4: one(quote('Ada Lovelace')),
  5: one(quote('demo@metalbear.com')),
  6: one(`${quote(address)}::jsonb`),
  7: one('32700'),
  8: one(quote('USD')),
  9: 'ARRAY[NULL]',
  10: 'ARRAY[NULL]',
  11: one('now()'),
  12: one('md5(random()::text)'),
  13: `ARRAY[${id}, ${id}]`,
  14: quote('{1,2}'),
  15: quote('{anvil-classic,titanium-mug}'),
  16: quote('{"Classic Forge Anvil","Titanium Camp Mug"}'),
  17: quote('{1,2}'),
  18: quote('{24900,3900}'),
  19: one(id),
  20: one('gen_random_uuid()'),
  21: one(quote(sample.topic)),
  22: one(`${id}::text`),
  23: one(quote(sample.event)),
  24: one(`${quote(sample.headers)}::jsonb`),
})};\n`;
}

/** One transition per transaction (a batch of one), each a different (order, step) of the queue table below. */
export function transitionScript(): string {
  const row = (column: string, type: string) =>
    `ARRAY[(SELECT ${column} FROM bench_transitions WHERE n = :n)]::${type}`;
  return `SELECT nextval('bench_transitions_n') AS n \\gset\n${withValues(APPLY_TRANSITIONS, {
    1: row('order_id', 'uuid[]'),
    2: row('from_status', 'text[]'),
    3: row('to_status', 'text[]'),
    4: quote('{pgbench}'),
    5: quote('{bench}'),
    6: quote('{0}'),
    7: 'ARRAY[:n]::bigint[]',
    8: quote('{0}'),
  })};\n`;
}

const STEPS = TARGET_STATUSES.map((to, step) => `(${step}, '${previousStatus(to)}', '${to}')`).join(', ');

/** Every order's three steps, numbered so that an order's next step comes a whole pass later. */
export async function fillTransitionQueue(databaseUrl: string): Promise<number> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`DROP TABLE IF EXISTS bench_transitions; DROP SEQUENCE IF EXISTS bench_transitions_n;
      CREATE SEQUENCE bench_transitions_n;
      CREATE TABLE bench_transitions AS
        SELECT row_number() OVER (ORDER BY s.step, o.id) AS n, o.id AS order_id, s.from_status, s.to_status
          FROM orders o CROSS JOIN (VALUES ${STEPS}) AS s(step, from_status, to_status)
         WHERE o.status = '${INITIAL_STATUS}';
      ALTER TABLE bench_transitions ADD PRIMARY KEY (n); ANALYZE bench_transitions;`);
    return Number((await db.query('SELECT count(*) FROM bench_transitions')).rows[0].count);
  } finally {
    await db.end();
  }
}

export interface PgbenchResult {
  tps: number;
  latencyMs: number;
}

/** pgbench (Debian's postgresql-client) with one custom script: `clients` connections for `seconds`. */
export function pgbench(databaseUrl: string, script: string, clients: number, seconds: number): PgbenchResult {
  const binary = ensureDebianProgram(
    { path: '/usr/bin/pgbench', pkg: 'postgresql-client', neededFor: 'for the raw PostgreSQL figures' },
    console.log,
  );
  const file = join(mkdtempSync(join(tmpdir(), 'metalmart-pgbench-')), 'script.sql');
  writeFileSync(file, script);
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file];
  const run = spawnSync(binary, [...args, databaseUrl], { encoding: 'utf8' });
  const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(run.stdout)?.[1];
  const failed = /number of failed transactions: (\d+)/.exec(run.stdout)?.[1];
  if (run.status !== 0 || !tps || !latency) throw new Error(`pgbench failed:\n${run.stdout}${run.stderr}`);
  if (failed && failed !== '0') throw new Error(`pgbench: ${failed} transactions failed:\n${run.stdout}`);
  return { tps: Number(tps), latencyMs: Number(latency) };
}

/** Idempotent producer, acks=all (as the relay), batches of 100 records of `value`'s size. */
export async function kafkaProduce(kafka: KafkaConnection, topic: string, value: string, seconds: number) {
  const producer = new Producer({
    clientId: 'bench-raw',
    ...clientOptions(kafka),
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  let count = 0;
  const began = Date.now();
  const deadline = began + seconds * 1000;
  while (Date.now() < deadline) {
    await producer.send({
      messages: Array.from({ length: 100 }, (_, i) => ({ topic, key: `${count + i}`, value })),
    });
    count += 100;
  }
  await producer.close();
  return { count, perSecond: count / ((Date.now() - began) / 1000) };
}

/** Reads `count` records of `topic` from the beginning (no group commits), as fast as the client goes. */
export async function kafkaConsume(kafka: KafkaConnection, topic: string, count: number) {
  const consumer = new Consumer({
    clientId: 'bench-raw',
    groupId: `bench-raw-${Date.now()}`,
    ...clientOptions(kafka),
    deserializers: stringDeserializers,
  });
  const began = Date.now();
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 100 });
  let seen = 0;
  for await (const _ of stream) if (++seen >= count) break;
  const perSecond = seen / ((Date.now() - began) / 1000);
  await stream.close();
  await consumer.close(true);
  return { perSecond };
}
