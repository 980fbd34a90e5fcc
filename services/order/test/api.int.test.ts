// The Order Service's HTTP contract against the real PostgreSQL and Kafka.
import { HEADERS, ORDER_STATUSES, parseOrderCreatedEvent } from '@metalmart/contracts';
import { createTestDatabase, createTestTopic, pool, readTopic } from '@metalmart/test-support/infra';
import { buildOrderService, serviceAuth } from '@metalmart/test-support/order-service';
import { orderRequest } from '@metalmart/test-support/orders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Service = Awaited<ReturnType<typeof buildOrderService>>;
let service: Service;
let databaseUrl: string;
let topic: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  topic = await createTestTopic('order-api');
  service = await buildOrderService(databaseUrl, topic);
});
afterAll(() => service?.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  service.app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

const putStatus = (id: string, status: string, headers: Record<string, string> = serviceAuth) =>
  service.app.inject({
    method: 'PUT',
    url: `/internal/orders/${id}/status`,
    headers,
    payload: { status, processedBy: { instance: 'test', topic, partition: 0, offset: '7' } },
  });

async function countRows(sql: string, params: unknown[]): Promise<number> {
  const db = pool(databaseUrl);
  try {
    return Number((await db.query(sql, params)).rows[0].count);
  } finally {
    await db.end();
  }
}

/** The order insert's executions and rows written so far in this database (pg_stat_statements). */
async function insertStatements(): Promise<{ calls: number; rows: number }> {
  const db = pool(databaseUrl);
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const { rows } = await db.query(
      `SELECT coalesce(sum(s.calls), 0) AS calls, coalesce(sum(s.rows), 0) AS rows FROM pg_stat_statements s
         JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = current_database() AND s.query LIKE '%INSERT INTO orders%'`,
    );
    return { calls: Number(rows[0].calls), rows: Number(rows[0].rows) };
  } finally {
    await db.end();
  }
}

describe('catalog', () => {
  it('lists at least 12 products with prices in cents and images that load', async () => {
    const response = await service.app.inject('/api/products');
    expect(response.statusCode).toBe(200);
    const products = response.json();
    expect(products.length).toBeGreaterThanOrEqual(12);
    expect(products[0]).toMatchObject({ id: expect.any(String), priceCents: expect.any(Number), currency: 'USD' });
    const image = await service.app.inject(products[0].imageUrl);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toContain('image/svg+xml');
  });
});

describe('health and documentation', () => {
  it('serves /healthz, /readyz and an OpenAPI document generated from the validating schemas', async () => {
    expect((await service.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = (await service.app.inject('/readyz')).json();
    expect(ready).toMatchObject({ status: 'ready', checks: { postgres: true, kafka: true } });
    expect(ready.outbox.unpublished).toBeTypeOf('number');
    expect(Object.keys(ready.outbox)).toEqual(['unpublished', 'parked', 'oldestUnpublishedSeconds']);
    const spec = (await service.app.inject('/api/openapi.json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    const body = spec.paths['/api/orders'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['customer', 'shippingAddress', 'items']);
    expect(body.properties.items.maxItems).toBe(50);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/products', '/api/orders/track/{trackingToken}']),
    );
    // The internal API is not in the public document; the whole one needs the service token.
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/internal'))).toEqual([]);
    expect(JSON.stringify(spec)).not.toContain('serviceToken');
    expect((await service.app.inject('/internal/openapi.json')).statusCode).toBe(401);
    const whole = (await service.app.inject({ url: '/internal/openapi.json', headers: serviceAuth })).json();
    expect(Object.keys(whole.paths)).toContain('/internal/orders/{id}/status');
    // Swagger UI only when enabled (API_DOCS; npm start turns it on).
    expect((await service.app.inject('/api/docs/')).statusCode).toBe(404);
  });

  it('serves Swagger UI with the public document when API_DOCS is on', async () => {
    const withDocs = await buildOrderService(databaseUrl, topic, undefined, { API_DOCS: 'on' });
    try {
      const docs = await withDocs.app.inject('/api/docs/');
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-type']).toContain('text/html');
      const shown = (await withDocs.app.inject('/api/docs/json')).json();
      expect(Object.keys(shown.paths).filter((p: string) => p.startsWith('/internal'))).toEqual([]);
    } finally {
      await withDocs.close();
    }
  });
});

describe('POST /api/orders', () => {
  it('stores the order with server-side prices and publishes order.created with the routing headers', async () => {
    const response = await post(orderRequest());
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({ status: 'pending', currency: 'USD', totalCents: 24900 + 2 * 3900 });
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(order.trackingToken.length).toBeGreaterThanOrEqual(24);
    expect(order.orderNumber).toMatch(/^MM-[A-Z2-9]{7}$/);
    expect(response.headers.location).toBe(`/api/orders/track/${order.trackingToken}`);
    expect(await countRows('SELECT count(*) FROM orders WHERE id = $1', [order.id])).toBe(1);

    const records = await readTopic(topic, 1);
    const record = records.find((r) => r.key === order.id);
    expect(record).toBeDefined();
    const event = parseOrderCreatedEvent(record?.value);
    expect(event.ok).toBe(true);
    if (event.ok) expect(event.value.order).toMatchObject({ id: order.id, totalCents: order.totalCents });
    expect(record?.headers.get(HEADERS.customerEmail)).toBe('demo@metalbear.com');
    expect(record?.headers.get(HEADERS.eventType)).toBe('order.created');
    expect(record?.headers.get(HEADERS.contentType)).toBe('application/json');
    expect(record?.headers.get(HEADERS.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  const valid = orderRequest();
  const badInputs: [
    string,
    () => Promise<{ statusCode: number; json(): { title?: string; status?: number } }>,
    number,
  ][] = [
    ['malformed JSON', () => post('{"customer":'), 400],
    ['a missing field', () => post({ ...valid, customer: { name: 'Ada' } }), 400],
    [
      'an extra field (a client price)',
      () => post({ ...valid, items: [{ productId: 'anvil-classic', quantity: 1, priceCents: 1 }] }),
      400,
    ],
    ['a bad email', () => post({ ...valid, customer: { name: 'Ada', email: 'not-an-email' } }), 400],
    ['quantity 0', () => post({ ...valid, items: [{ productId: 'anvil-classic', quantity: 0 }] }), 400],
    ['an absurd quantity', () => post({ ...valid, items: [{ productId: 'anvil-classic', quantity: 100000 }] }), 400],
    ['an unknown product', () => post({ ...valid, items: [{ productId: 'flux-capacitor', quantity: 1 }] }), 422],
    ['an empty cart', () => post({ ...valid, items: [] }), 400],
    [
      'a body over the size limit',
      () => post({ ...valid, customer: { name: 'x'.repeat(40_000), email: 'a@b.co' } }),
      413,
    ],
    [
      'a wrong content type',
      () =>
        service.app.inject({
          method: 'POST',
          url: '/api/orders',
          headers: { 'content-type': 'text/plain' },
          payload: 'hi',
        }),
      415,
    ],
  ];
  it.each(badInputs)('answers %s with a problem-details %i', async (_name, send, status) => {
    const response = await send();
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ status, title: expect.any(String) });
  });

  it('points field errors at the fields', async () => {
    const response = await post({ ...valid, customer: { name: 'Ada', email: 'nope' } });
    expect(response.json().errors).toContainEqual({ field: '/customer/email', message: expect.any(String) });
  });

  it('replays the same order for the same Idempotency-Key and body, and refuses a different body', async () => {
    const key = crypto.randomUUID();
    const first = await post(orderRequest(), { 'idempotency-key': key });
    const again = await post(orderRequest(), { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await countRows('SELECT count(*) FROM orders WHERE idempotency_key = $1', [key])).toBe(1);
    expect(await countRows('SELECT count(*) FROM outbox WHERE message_key = $1', [first.json().id])).toBe(1);

    const different = await post(orderRequest({ customer: { name: 'Bob', email: 'bob@example.com' } }), {
      'idempotency-key': key,
    });
    expect(different.statusCode).toBe(409);
  });
});

describe('tracking', () => {
  it('shows status and history without the full email or address; unknown tokens are 404', async () => {
    const order = (await post(orderRequest())).json();
    const response = await service.app.inject(`/api/orders/track/${order.trackingToken}`);
    expect(response.statusCode).toBe(200);
    const tracking = response.json();
    expect(tracking).toMatchObject({
      orderNumber: order.orderNumber,
      status: 'pending',
      customer: { email: 'd***@metalbear.com' },
    });
    expect(tracking.history.map((h: { status: string }) => h.status)).toEqual(['pending']);
    expect(JSON.stringify(tracking)).not.toContain('demo@metalbear.com');
    expect(JSON.stringify(tracking)).not.toContain('1 Forge Street');
    expect((await service.app.inject('/api/orders/track/AAAAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(404);
  });
});

describe('internal status API', () => {
  it('needs the service token and leaves the order untouched without it', async () => {
    const order = (await post(orderRequest())).json();
    expect((await putStatus(order.id, 'processing', {})).statusCode).toBe(401);
    expect(
      (await putStatus(order.id, 'processing', { authorization: 'Bearer wrong-token-wrong-token' })).statusCode,
    ).toBe(401);
    expect((await service.app.inject(`/internal/orders/${order.id}`)).statusCode).toBe(401);
    const current = await service.app.inject({ url: `/internal/orders/${order.id}`, headers: serviceAuth });
    expect(current.json().status).toBe('pending');
  });

  it('applies legal transitions once; a repeat is an idempotent no-op; an illegal one is 409', async () => {
    const order = (await post(orderRequest())).json();
    expect((await putStatus(order.id, 'shipped')).statusCode).toBe(409);
    const first = await putStatus(order.id, 'processing');
    expect(first.json()).toEqual({ id: order.id, status: 'processing', applied: true });
    const redelivered = await putStatus(order.id, 'processing');
    expect(redelivered.statusCode).toBe(200);
    expect(redelivered.json().applied).toBe(false);
    expect((await putStatus(order.id, 'confirmed')).json().applied).toBe(true);
    expect((await putStatus(order.id, 'processing')).json()).toMatchObject({ applied: false, status: 'confirmed' });

    const full = (await service.app.inject({ url: `/internal/orders/${order.id}`, headers: serviceAuth })).json();
    expect(full.history.map((h: { status: string }) => h.status)).toEqual(['pending', 'processing', 'confirmed']);
    expect(full.history[1].processedBy).toEqual({ instance: 'test', topic, partition: 0, offset: '7' });
    expect(full.customer.email).toBe('demo@metalbear.com');
  });

  it('rejects unknown orders and statuses', async () => {
    expect((await putStatus(crypto.randomUUID(), 'processing')).statusCode).toBe(404);
    const order = (await post(orderRequest())).json();
    expect((await putStatus(order.id, 'cancelled')).statusCode).toBe(400);
    expect((await putStatus('not-a-uuid', 'processing')).statusCode).toBe(400);
  });
});

describe('batched transitions', () => {
  const transitions = (items: { id: string; status: string }[], headers: Record<string, string> = serviceAuth) =>
    service.app.inject({
      method: 'POST',
      url: '/internal/order-transitions',
      headers,
      payload: {
        transitions: items.map((t, i) => ({
          ...t,
          processedBy: { instance: 'batch', topic, partition: 1, offset: String(i) },
        })),
      },
    });

  it('moves many orders in one request, each with its own outcome, in the order asked', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(async () => (await post(orderRequest())).json()));
    expect((await putStatus(b.id, 'processing')).json().applied).toBe(true);
    const unknown = crypto.randomUUID();
    const response = await transitions([
      { id: a.id, status: 'processing' },
      { id: b.id, status: 'processing' },
      { id: c.id, status: 'confirmed' },
      { id: unknown, status: 'processing' },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json().results).toEqual([
      { id: a.id, outcome: 'applied', status: 'processing' },
      { id: b.id, outcome: 'already-applied', status: 'processing' },
      { id: c.id, outcome: 'illegal', status: 'pending' },
      { id: unknown, outcome: 'not-found' },
    ]);
    expect(
      await countRows(
        "SELECT count(*) FROM order_status_history WHERE order_id = $1 AND processor_instance = 'batch'",
        [a.id],
      ),
    ).toBe(1);
    expect(await countRows('SELECT count(*) FROM order_status_history WHERE order_id = $1', [b.id])).toBe(2);
    expect(await countRows('SELECT count(*) FROM order_status_history WHERE order_id = $1', [c.id])).toBe(1);
  });

  it('refuses an order twice in one batch (422), an empty batch (400), and a caller without the token', async () => {
    const order = (await post(orderRequest())).json();
    const twice = await transitions([
      { id: order.id, status: 'processing' },
      { id: order.id, status: 'confirmed' },
    ]);
    expect(twice.statusCode).toBe(422);
    expect(twice.json().detail).toContain('each order may appear once');
    expect((await transitions([])).statusCode).toBe(400);
    expect((await transitions([{ id: order.id, status: 'processing' }], {})).statusCode).toBe(401);
    expect(await countRows('SELECT count(*) FROM order_status_history WHERE order_id = $1', [order.id])).toBe(1);
  });
});

describe('concurrency', () => {
  it('publishes each event once when two Order Service instances share the outbox', async () => {
    const sharedTopic = await createTestTopic('two-relays');
    const [a, b] = await Promise.all([
      buildOrderService(databaseUrl, sharedTopic),
      buildOrderService(databaseUrl, sharedTopic),
    ]);
    try {
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).app.inject({ method: 'POST', url: '/api/orders', payload: orderRequest() }),
        ),
      );
      const ids = new Set(responses.map((r) => r.json().id));
      expect(ids.size).toBe(100);
      const records = await readTopic(sharedTopic, 101, 5000);
      expect(records).toHaveLength(100);
      expect(new Set(records.map((r) => r.key))).toEqual(ids);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('turns 200 parallel POSTs into 200 orders and 200 events, no duplicates, in fewer insert statements', async () => {
    const ownTopic = await createTestTopic('order-burst');
    const burst = await buildOrderService(databaseUrl, ownTopic);
    try {
      const before = await insertStatements();
      const responses = await Promise.all(
        Array.from({ length: 200 }, () =>
          burst.app.inject({ method: 'POST', url: '/api/orders', payload: orderRequest() }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array(200).fill(201));
      const ids = new Set(responses.map((r) => r.json().id));
      expect(ids.size).toBe(200);
      expect(await countRows('SELECT count(*) FROM orders WHERE id = ANY($1)', [[...ids]])).toBe(200);
      const records = await readTopic(ownTopic, 201, 5000); // one more than expected: would catch a duplicate
      expect(records).toHaveLength(200);
      expect(new Set(records.map((r) => r.key))).toEqual(ids);
      // Group commit: orders that arrived while others were being written went in together.
      const after = await insertStatements();
      expect(after.rows - before.rows).toBe(200);
      expect(after.calls - before.calls).toBeLessThan(200);
    } finally {
      await burst.close();
    }
  });

  it('answers each of a group on its own: one order per Idempotency-Key, 409 for its other bodies, the rest created', async () => {
    const key = crypto.randomUUID();
    const same = orderRequest();
    const other = orderRequest({ customer: { name: 'Bob', email: 'bob@example.com' } });
    const requests = [
      ...Array.from({ length: 8 }, () => post(same, { 'idempotency-key': key })),
      ...Array.from({ length: 4 }, () => post(other, { 'idempotency-key': key })),
      ...Array.from({ length: 20 }, () => post(orderRequest())),
    ];
    const responses = await Promise.all(requests);
    // Whichever body got there first owns the key: all its requests get that order, the other body's get 409.
    const [sameBody, otherBody] = [responses.slice(0, 8), responses.slice(8, 12)];
    const [owners, refused] = sameBody[0]?.statusCode === 201 ? [sameBody, otherBody] : [otherBody, sameBody];
    const winner = owners[0]?.json().id;
    expect(owners.map((r) => [r.statusCode, r.json().id])).toEqual(owners.map(() => [201, winner]));
    expect(refused.map((r) => r.statusCode)).toEqual(refused.map(() => 409));
    expect(responses.slice(12).map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(await countRows('SELECT count(*) FROM orders WHERE idempotency_key = $1', [key])).toBe(1);
    expect(await countRows('SELECT count(*) FROM outbox WHERE message_key = $1', [winner])).toBe(1);
  });
});

describe('schema', () => {
  it("lets orders.status hold exactly the lifecycle's statuses (a new status needs a migration)", async () => {
    const db = pool(databaseUrl);
    try {
      const { rows } = await db.query<{ definition: string }>(
        `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
          WHERE conrelid = 'orders'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status%'`,
      );
      expect(rows).toHaveLength(1);
      const allowed = [...(rows[0]?.definition ?? '').matchAll(/'([a-z]+)'::text/g)].map((match) => match[1]);
      expect(allowed).toEqual([...ORDER_STATUSES]);
    } finally {
      await db.end();
    }
  });
});
