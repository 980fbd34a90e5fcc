// The lab's verdict from the real PostgreSQL and Kafka: green after a clean run, and red with the right sentence
// for each deliberately broken run — an order deleted from the outbox before it was published, a history row
// written out of order, an order left unshipped although its group committed past it.
import { plaintextConnection } from '@metalmart/contracts/kafka-connection';
import { awaitEveryOrderShipped } from '@metalmart/test-support/fleet';
import { createTestDatabase, createTestTopic, kafkaBrokers, uniqueName } from '@metalmart/test-support/infra';
import { placeOrder } from '@metalmart/test-support/orders';
import { freePort, startOrderService, startProcessor, waitUntil } from '@metalmart/test-support/processes';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerdictSource, type VerdictSource } from '../src/lab/verdict-facts.ts';

const GRACE_MS = 1500;
let databaseUrl: string;
let topic: string;
let groupId: string;
let db: pg.Pool;
let source: VerdictSource;
let service: Awaited<ReturnType<typeof startOrderService>>;
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  topic = await createTestTopic('verdict');
  groupId = uniqueName('verdict-group');
  db = new pg.Pool({ connectionString: databaseUrl });
  service = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
  stops.push(() => service.stop());
  // The verdict's window opens before the first order (as the lab does when npm start begins).
  source = await createVerdictSource({
    databaseUrl,
    kafka: plaintextConnection(kafkaBrokers()),
    topic,
    groupId,
    graceMs: GRACE_MS,
  });
  const processor = await startProcessor({
    kafkaBrokers: kafkaBrokers(),
    topic,
    groupId,
    orderServiceUrl: service.url,
    instance: 'verdict-processor',
    stageDelayMs: 0,
  });
  stops.push(() => processor.stop());
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await placeOrder(service.url)).id);
  expect(await awaitEveryOrderShipped(databaseUrl, ids)).toEqual([]);
});
afterAll(async () => {
  await Promise.allSettled(stops.map((stop) => stop()));
  await source?.close();
  await db?.end();
});

describe('the lab verdict on the real servers', () => {
  it('is green after a clean run: every accepted order shipped, none waiting, none lost', async () => {
    const verdict = await source.verdict();
    expect(verdict.green).toBe(true);
    expect(verdict.accepted).toBe(5);
    expect(verdict.byStatus.shipped).toBe(5);
    expect(verdict.sentence).toBe(
      'Nothing lost: 5 accepted, 5 shipped, 0 in the outbox, 0 on the topic, 0 in a stage.',
    );
    expect(verdict.slowestMs).toBeGreaterThan(0);
  });

  it('turns red, naming the order, when a history row was written out of order', async () => {
    const { rows } = await db.query<{ id: string; order_number: string }>(
      'SELECT id, order_number FROM orders ORDER BY created_at LIMIT 1',
    );
    const order = rows[0];
    if (!order) throw new Error('no order');
    const confirmed = `SELECT at FROM order_status_history WHERE order_id = $1 AND status = 'confirmed'`;
    const original = (await db.query<{ at: Date }>(confirmed, [order.id])).rows[0]?.at;
    await db.query(
      `UPDATE order_status_history SET at = (SELECT at FROM order_status_history WHERE order_id = $1 AND status = 'shipped') + interval '1 second'
        WHERE order_id = $1 AND status = 'confirmed'`,
      [order.id],
    );
    const verdict = await source.verdict();
    expect(verdict.green).toBe(false);
    expect(verdict.sentence).toBe(
      `Order ${order.order_number}: its history is out of order (pending → processing → shipped → confirmed).`,
    );
    await db.query(`UPDATE order_status_history SET at = $2 WHERE order_id = $1 AND status = 'confirmed'`, [
      order.id,
      original,
    ]);
    expect((await source.verdict()).green).toBe(true);
  });

  it('turns red when an accepted order was deleted from the outbox before it was published', async () => {
    // An Order Service whose broker never answers: the order is accepted (durable in the outbox), never sent —
    // the other instance is stopped first, or its relay would publish the row (they share the outbox).
    await service.stop();
    const stranded = await startOrderService({
      databaseUrl,
      kafkaBrokers: `127.0.0.1:${await freePort()}`,
      topic,
      env: { PUBLISH_WAIT_MS: '0' },
    });
    stops.push(() => stranded.stop());
    const { id, orderNumber } = await placeOrder(stranded.url);
    await stranded.stop();
    expect((await db.query('DELETE FROM outbox WHERE message_key = $1 AND published_at IS NULL', [id])).rowCount).toBe(
      1,
    );
    await waitUntil('the verdict red', async () => !(await source.verdict()).green, 20_000, 500);
    const verdict = await source.verdict();
    expect(verdict.lost).toEqual([
      { orderNumber, reason: ' was accepted but is neither in the outbox nor on the topic' },
    ]);
    expect(verdict.sentence).toMatch(
      new RegExp(
        `^Order ${orderNumber} was accepted but is neither in the outbox nor on the topic( \\(and \\d+ more\\))?\\.$`,
      ),
    );
  });

  it('turns red when an order is not shipped although its group committed past its record', async () => {
    const { rows } = await db.query<{ id: string; order_number: string }>(
      `SELECT id, order_number FROM orders WHERE status = 'shipped' ORDER BY created_at DESC LIMIT 1`,
    );
    const order = rows[0];
    if (!order) throw new Error('no shipped order');
    // As if its last transition had been lost while the offset was committed anyway.
    await db.query(`DELETE FROM order_status_history WHERE order_id = $1 AND status = 'shipped'`, [order.id]);
    await db.query(`UPDATE orders SET status = 'confirmed' WHERE id = $1`, [order.id]);
    const verdict = await source.verdict();
    expect(verdict.lost).toContainEqual({
      orderNumber: order.order_number,
      reason: ' is still confirmed, but the group committed past its record',
    });
    expect(verdict.green).toBe(false);
  });
});
