// Two transitions batches that share orders can deadlock in PostgreSQL (40P01): one statement is aborted having
// done nothing. The store runs it again, so the batch is answered 200 with every order moved — never a 500 that
// the processor would count against the orders. The deadlock is made on purpose: a session of the test holds
// the second order while the batch holds the first, then asks for the first.
import { createTestDatabase, pool, uniqueName } from '@metalmart/test-support/infra';
import { buildOrderService, serviceAuth } from '@metalmart/test-support/order-service';
import { orderRequest } from '@metalmart/test-support/orders';
import { waitUntil } from '@metalmart/test-support/processes';
import { afterAll, describe, expect, it } from 'vitest';

const closing: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close();
});

describe('a deadlock between transitions batches', () => {
  it('is retried by the store: the batch is answered 200 and both orders moved', async () => {
    const databaseUrl = await createTestDatabase();
    const service = await buildOrderService(databaseUrl, uniqueName('deadlock'));
    closing.push(() => service.close());
    const db = pool(databaseUrl);
    closing.push(() => db.end());
    // One after the other: a is first in the table, so the batch's scan locks a before it asks for b.
    const place = async () =>
      (await service.app.inject({ method: 'POST', url: '/api/orders', payload: orderRequest() })).json().id as string;
    const a = await place();
    const b = await place();
    const holder = await db.connect();
    closing.push(async () => holder.release());
    await holder.query('BEGIN');
    await holder.query('UPDATE orders SET updated_at = now() WHERE id = $1', [b]); // the test holds b
    const by = { instance: 'deadlock', topic: 'order.created', partition: 0, offset: '1' };
    const batch = service.app.inject({
      method: 'POST',
      url: '/internal/order-transitions',
      headers: serviceAuth,
      payload: {
        transitions: [
          { id: a, status: 'processing', processedBy: by },
          { id: b, status: 'processing', processedBy: { ...by, offset: '2' } },
        ],
      },
    });
    // The batch has moved a and waits for b; the test now waits for a: a cycle. PostgreSQL breaks it after
    // deadlock_timeout (1 s) in the session that waited first — the batch's.
    await waitUntil('the batch waiting for the held order', async () => {
      const { rows } = await db.query(
        // This database only: other files' batches on the same server wait for locks too.
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%unnest%'",
      );
      return rows[0].n === 1;
    });
    const holderUpdate = holder.query('UPDATE orders SET updated_at = now() WHERE id = $1', [a]);
    await holderUpdate; // granted once the batch's statement was aborted
    await holder.query('COMMIT');
    const response = await batch;
    expect(response.statusCode).toBe(200);
    expect(response.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied']);
    const { rows } = await db.query('SELECT status FROM orders WHERE id = ANY($1)', [[a, b]]);
    expect(rows.map((r) => r.status)).toEqual(['processing', 'processing']);
    // Counted by the session that hit it once it flushes its statistics (up to ~10 s after, when idle).
    await waitUntil(
      'the deadlock in pg_stat_database',
      async () => {
        const logged = await db.query('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
        return Number(logged.rows[0].deadlocks) > 0;
      },
      20_000,
      250,
    );
  });
});
