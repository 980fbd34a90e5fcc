// Abuse control on the real Order Service (real PostgreSQL and Kafka): a burst from one client over
// ORDER_RATE_LIMIT_PER_MINUTE gets 429 problem+json with Retry-After while another client is served; reads
// and the internal API are never throttled; by default (npm start, tests, bench) nothing is.

import { createTestDatabase, createTestTopic } from '@metalmart/test-support/infra';
import { buildOrderService, serviceAuth } from '@metalmart/test-support/order-service';
import { orderRequest } from '@metalmart/test-support/orders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let databaseUrl: string;
let topic: string;
beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  topic = await createTestTopic('rate-limit', 1);
});

const services: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
});

describe('rate limiting POST /api/orders', () => {
  it('answers 429 with Retry-After to one client over the limit while another is served', async () => {
    const service = await buildOrderService(databaseUrl, topic, undefined, {
      ORDER_RATE_LIMIT_PER_MINUTE: '5',
      TRUST_PROXY_HOPS: '1',
    });
    services.push(service);
    const place = (client: string) =>
      service.app.inject({
        method: 'POST',
        url: '/api/orders',
        headers: { 'x-forwarded-for': client },
        payload: orderRequest(),
      });
    const burst = [];
    for (let i = 0; i < 8; i++) burst.push(await place('203.0.113.7'));
    expect(burst.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    const refused = burst[5];
    expect(refused?.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused?.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect((await place('198.51.100.23')).statusCode).toBe(201); // another shopper
    // Reads, tracking and the internal API are not limited.
    for (let i = 0; i < 10; i++) expect((await service.app.inject('/api/products')).statusCode).toBe(200);
    const order = burst[0]?.json() as { id: string };
    const internal = await service.app.inject({ url: `/internal/orders/${order.id}`, headers: serviceAuth });
    expect(internal.statusCode).toBe(200);
  });

  it('throttles nobody by default', async () => {
    const service = await buildOrderService(databaseUrl, topic);
    services.push(service);
    const statuses = [];
    for (let i = 0; i < 30; i++)
      statuses.push(
        (await service.app.inject({ method: 'POST', url: '/api/orders', payload: orderRequest() })).statusCode,
      );
    expect(new Set(statuses)).toEqual(new Set([201]));
  });
});
