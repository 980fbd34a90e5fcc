// The error mapper on the whole app (fakes of the store): PostgreSQL saturated or a statement cancelled by its
// timeout is a 503 with Retry-After (a retry can succeed), not a 500.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { OrderStore } from '../src/store/types.ts';

/** A pg `DatabaseError` as the driver raises it: the SQLSTATE in `code`. */
function pgError(code: string, message: string) {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

function appWhoseStoreThrows(error: unknown) {
  const fail = async () => {
    throw error;
  };
  const store = new Proxy({}, { get: () => fail }) as unknown as OrderStore;
  return buildApp({
    store,
    relay: { waitUntilPublished: async () => true },
    topic: 'unit',
    serviceToken: 'unit-test-token-0123456789',
    readiness: async () => ({ postgres: true, kafka: true }),
  });
}

describe('database errors', () => {
  it.each([
    ['53300', 'sorry, too many clients already'],
    ['57014', 'canceling statement due to statement timeout'],
    ['57P01', 'terminating connection due to administrator command'],
  ])('%s (%s) → 503 with Retry-After and problem+json', async (code, message) => {
    const app = await appWhoseStoreThrows(pgError(code, message));
    const response = await app.inject('/api/products');
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(response.body).not.toContain(message);
    await app.close();
  });

  it('a bug is still a 500 that says nothing internal', async () => {
    const app = await appWhoseStoreThrows(pgError('42P01', 'relation "products" does not exist'));
    const response = await app.inject('/api/products');
    expect(response.statusCode).toBe(500);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.body).not.toContain('relation');
    await app.close();
  });
});

describe('client text echoed in a problem', () => {
  it('escapes control characters and lone surrogates of a property name instead of sending them back raw', async () => {
    const app = await appWhoseStoreThrows(new Error('unused'));
    const response = await app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"x\\u0002\\ud800": 1}',
    });
    expect(response.statusCode).toBe(400);
    const fields = (response.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toContain('/x\\u0002\\ud800');
    await app.close();
  });
});
