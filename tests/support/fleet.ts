// Orders in bulk and what became of them, read straight from PostgreSQL.

import { ORDER_STATUSES } from '@metalmart/contracts';
import { pool } from './infra.ts';
import { orderRequest, placeOrder } from './orders.ts';
import { waitUntil } from './processes.ts';

export async function placeOrders(baseUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  // Batches of 50 keep the Order Service's pool and the two cores busy without queuing thousands of sockets.
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => placeOrder(baseUrl)));
    ids.push(...batch.map((o) => o.id));
  }
  return ids;
}

export async function statusCounts(databaseUrl: string, ids: string[]): Promise<Record<string, number>> {
  const db = pool(databaseUrl);
  try {
    const result = await db.query<{ status: string; count: string }>(
      'SELECT status, count(*) FROM orders WHERE id = ANY($1) GROUP BY status',
      [ids],
    );
    return Object.fromEntries(result.rows.map((r) => [r.status, Number(r.count)]));
  } finally {
    await db.end();
  }
}

/** Each order's history as a list of statuses, in the order they were recorded. */
export async function histories(databaseUrl: string, ids: string[]): Promise<Map<string, string[]>> {
  const db = pool(databaseUrl);
  try {
    const result = await db.query<{ order_id: string; statuses: string[] }>(
      `SELECT order_id, array_agg(status ORDER BY at, array_position($2::text[], status)) AS statuses
         FROM order_status_history WHERE order_id = ANY($1) GROUP BY order_id`,
      [ids, ORDER_STATUSES],
    );
    return new Map(result.rows.map((r) => [r.order_id, r.statuses]));
  } finally {
    await db.end();
  }
}

export async function instancesThatShipped(databaseUrl: string, ids: string[]): Promise<Set<string>> {
  const db = pool(databaseUrl);
  try {
    const result = await db.query<{ processor_instance: string }>(
      "SELECT DISTINCT processor_instance FROM order_status_history WHERE order_id = ANY($1) AND status = 'shipped'",
      [ids],
    );
    return new Set(result.rows.map((r) => r.processor_instance));
  } finally {
    await db.end();
  }
}

/**
 * Places orders without pause from `workers` parallel loops until stop(), like shoppers who keep coming;
 * resolves with the ids of the accepted ones (201). A refused or failed request is counted, never retried:
 * `answers` counts every status (0: no answer), `slowestMs` is the longest any request waited, and
 * `withoutRetryAfter` counts the 503s that did not say when to come back.
 */
export function placeOrdersContinuously(baseUrl: string, workers = 4, pauseMs = 100) {
  const accepted: string[] = [];
  const answers: Record<number, number> = {};
  let slowestMs = 0;
  let withoutRetryAfter = 0;
  let running = true;
  const placeOne = async () => {
    const started = Date.now();
    let status = 0;
    try {
      const response = await fetch(`${baseUrl}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(orderRequest()),
        signal: AbortSignal.timeout(60_000),
      });
      status = response.status;
      if (status === 201) accepted.push(((await response.json()) as { id: string }).id);
      else await response.body?.cancel();
      if (status === 503 && !response.headers.get('retry-after')) withoutRetryAfter += 1;
    } catch {
      status = 0;
    }
    answers[status] = (answers[status] ?? 0) + 1;
    slowestMs = Math.max(slowestMs, Date.now() - started);
  };
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      await placeOne();
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  });
  return {
    get accepted() {
      return accepted.length;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      const failed = Object.entries(answers).reduce((n, [status, count]) => (status === '201' ? n : n + count), 0);
      return { accepted, failed, answers, slowestMs, withoutRetryAfter };
    },
  };
}

export async function unpublishedOutboxRows(databaseUrl: string): Promise<number> {
  const db = pool(databaseUrl);
  try {
    const result = await db.query<{ count: string }>('SELECT count(*) FROM outbox WHERE published_at IS NULL');
    return Number(result.rows[0]?.count);
  } finally {
    await db.end();
  }
}

/**
 * Waits until the outbox is drained and every one of `ids` shipped; resolves with the orders whose history is not
 * exactly the lifecycle (`pending → processing → confirmed → shipped`, each once) — empty when nothing went wrong.
 */
export async function awaitEveryOrderShipped(databaseUrl: string, ids: string[], timeoutMs = 120_000) {
  await waitUntil('outbox drained', async () => (await unpublishedOutboxRows(databaseUrl)) === 0, timeoutMs, 500);
  await waitUntil(
    `${ids.length} orders shipped`,
    async () => (await statusCounts(databaseUrl, ids)).shipped === ids.length,
    timeoutMs,
    500,
  );
  const lifecycle = ORDER_STATUSES.join(' → ');
  return [...(await histories(databaseUrl, ids))].filter(([, statuses]) => statuses.join(' → ') !== lifecycle);
}
