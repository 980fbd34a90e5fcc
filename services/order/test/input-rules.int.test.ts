// Issue 10, input: every text field refuses what PostgreSQL cannot store and no address needs (NUL, other C0
// controls, DEL, lone surrogates) with a 400 naming the field; the internal API's numbers are bounded to their
// columns; the document says problem+json for errors and 405 for a method a path does not have.
import { INT32_MAX, INT64_MAX } from '@metalmart/contracts';
import { createTestDatabase, createTestTopic } from '@metalmart/test-support/infra';
import { buildOrderService, serviceAuth } from '@metalmart/test-support/order-service';
import { orderRequest } from '@metalmart/test-support/orders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Service = Awaited<ReturnType<typeof buildOrderService>>;
let service: Service;
let topic: string;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  topic = await createTestTopic('input-rules');
  service = await buildOrderService(databaseUrl, topic);
});
afterAll(() => service?.close());

/** The raw JSON text is sent as is: `\u0000` and a lone `\ud800` stay JSON escapes on the wire. */
const postRaw = (json: string) =>
  service.app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { 'content-type': 'application/json' },
    payload: json,
  });

/** The order request with `jsonEscape` (a JSON string escape such as `\\u0000`) inside the field at `pointer`. */
function requestWith(pointer: string, jsonEscape: string): string {
  const body = orderRequest({
    shippingAddress: { line1: '1 Forge Street', line2: 'Floor 2', city: 'Berlin', postalCode: '10115', country: 'DE' },
  });
  const [group, field] = pointer.slice(1).split('/') as [keyof typeof body, string];
  const marker = 'XMARKERX';
  const target = body[group] as unknown as Record<string, string>;
  const value = target[field] ?? '';
  // A postal code and a country code have patterns of their own; the character goes in the middle for all.
  target[field] = `${value.slice(0, 1)}${marker}${value.slice(1)}`;
  return JSON.stringify(body).replace(marker, jsonEscape);
}

const TEXT_FIELDS = [
  '/customer/name',
  '/customer/email',
  '/shippingAddress/line1',
  '/shippingAddress/line2',
  '/shippingAddress/city',
  '/shippingAddress/postalCode',
  '/shippingAddress/country',
];
const BAD_CHARACTERS = [
  ['NUL', '\\u0000'],
  ['a tab', '\\t'],
  ['a newline', '\\n'],
  ['ESC', '\\u001b'],
  ['DEL', '\\u007f'],
  ['a lone high surrogate', '\\ud800'],
  ['a lone low surrogate', '\\udfff'],
] as const;

describe('the text rule on POST /api/orders', () => {
  it('accepts the order itself, and a real surrogate pair (an emoji) in a name', async () => {
    expect((await postRaw(requestWith('/customer/name', ''))).statusCode).toBe(201);
    expect((await postRaw(requestWith('/customer/name', '\\ud83d\\ude00'))).statusCode).toBe(201);
    expect((await postRaw(requestWith('/shippingAddress/line2', 'é ü ß 北京'))).statusCode).toBe(201);
  });

  for (const field of TEXT_FIELDS) {
    for (const [what, jsonEscape] of BAD_CHARACTERS) {
      it(`${field} with ${what} → 400 naming ${field}`, async () => {
        const response = await postRaw(requestWith(field, jsonEscape));
        expect(response.statusCode, response.body).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
        const problem = response.json();
        expect(problem.status).toBe(400);
        // Only that field (an email can break its format and the rule at once: two messages, one field).
        expect(new Set(problem.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
      });
    }
  }

  it('says what the rule is, not the regex', async () => {
    const problem = (await postRaw(requestWith('/shippingAddress/line2', '\\u0000'))).json();
    expect(problem.errors[0].message).toMatch(/control characters .* unpaired surrogates/);
  });

  it('names a field whose name holds a slash as a JSON pointer (RFC 6901)', async () => {
    const body = { ...orderRequest(), 'a/b~c': 1 };
    const problem = (await postRaw(JSON.stringify(body))).json();
    expect(problem.errors).toEqual([{ field: '/a~1b~0c', message: expect.any(String) }]);
  });
});

describe('numbers bounded to their columns', () => {
  let orderId: string;
  beforeAll(async () => {
    orderId = (await postRaw(requestWith('/customer/name', ''))).json().id;
  });
  const put = (processedBy: Record<string, unknown>) =>
    service.app.inject({
      method: 'PUT',
      url: `/internal/orders/${orderId}/status`,
      headers: serviceAuth,
      payload: {
        status: 'processing',
        processedBy: { instance: 'test', topic, partition: 0, offset: '7', ...processedBy },
      },
    });

  it.each([
    ['partition', { partition: INT32_MAX + 1 }, '/processedBy/partition'],
    ['partition', { partition: 2 ** 53 }, '/processedBy/partition'],
    ['partition', { partition: -1 }, '/processedBy/partition'],
    ['offset', { offset: (BigInt(INT64_MAX) + 1n).toString() }, '/processedBy/offset'],
    ['offset', { offset: '99999999999999999999' }, '/processedBy/offset'],
    ['offset', { offset: '007' }, '/processedBy/offset'],
    ['instance', { instance: 'a\u0000b' }, '/processedBy/instance'],
    ['topic', { topic: 'a\ud800' }, '/processedBy/topic'],
  ])('%s beyond its column (%o) → 400 naming it', async (_name, processedBy, field) => {
    const response = await put(processedBy);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('takes the largest partition and offset the columns hold', async () => {
    const response = await put({ partition: INT32_MAX, offset: INT64_MAX });
    expect(response.statusCode, response.body).toBe(200);
    const order = (await service.app.inject({ url: `/internal/orders/${orderId}`, headers: serviceAuth })).json();
    expect(order.history[1].processedBy).toMatchObject({ partition: INT32_MAX, offset: INT64_MAX });
  });

  it('refuses a quantity beyond the maximum in the request', async () => {
    const body = orderRequest({ items: [{ productId: 'anvil-classic', quantity: 2 ** 31 }] });
    const response = await postRaw(JSON.stringify(body));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('/items/0/quantity');
  });
});

describe('what the document says', () => {
  it('documents every error response as application/problem+json, and 422 where it can happen', async () => {
    const spec = (await service.app.inject({ url: '/internal/openapi.json', headers: serviceAuth })).json();
    let errorResponses = 0;
    for (const operations of Object.values(spec.paths) as Record<string, { responses: Record<string, unknown> }>[]) {
      for (const { responses } of Object.values(operations)) {
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) < 400) continue;
          errorResponses++;
          expect(Object.keys((response as { content: object }).content)).toEqual(['application/problem+json']);
        }
      }
    }
    expect(errorResponses).toBeGreaterThan(10);
    expect(Object.keys(spec.paths['/api/orders'].post.responses)).toEqual(expect.arrayContaining(['422', '503']));
  });

  it('answers a method a known path does not have with 405, Allow and problem+json', async () => {
    for (const [method, url, allow] of [
      ['DELETE', '/api/orders', 'POST'],
      ['PUT', '/api/products', 'GET, HEAD'],
      ['POST', `/internal/orders/${crypto.randomUUID()}`, 'GET, HEAD'],
      ['QUERY', '/api/orders/track/abc', 'GET, HEAD'],
    ] as const) {
      const response = await service.app.inject({ method, url, headers: serviceAuth });
      expect(response.statusCode, `${method} ${url}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    }
    expect((await service.app.inject({ method: 'DELETE', url: '/api/nothing-here' })).statusCode).toBe(404);
  });
});
