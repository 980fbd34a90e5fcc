import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.ts';

const token = { ORDER_SERVICE_TOKEN: 'x'.repeat(32) };

describe('Order Service config', () => {
  it('has defaults for the local stack: no rate limit, no trusted proxy, no docs UI, a week of outbox history', () => {
    expect(readConfig(token)).toMatchObject({
      orderRateLimitPerMinute: 0,
      trustProxyHops: 0,
      apiDocs: false,
      outboxRetentionMs: 168 * 3_600_000,
    });
  });

  it("reads the dead letters where the processors put them: KAFKA_DLQ_TOPIC, else the topic's own", () => {
    expect(readConfig({ ...token, KAFKA_TOPIC: 'orders' }).deadLetterTopic).toBe('orders.dlq');
    expect(readConfig({ ...token, KAFKA_TOPIC: 'orders', KAFKA_DLQ_TOPIC: 'parked' }).deadLetterTopic).toBe('parked');
  });

  it('reads the hardening switches', () => {
    const config = readConfig({ ...token, ORDER_RATE_LIMIT_PER_MINUTE: '30', TRUST_PROXY_HOPS: '1', API_DOCS: 'on' });
    expect(config).toMatchObject({ orderRateLimitPerMinute: 30, trustProxyHops: 1, apiDocs: true });
  });

  it.each([
    [{ ...token, ORDER_RATE_LIMIT_PER_MINUTE: '-1' }, 'ORDER_RATE_LIMIT_PER_MINUTE'],
    [{ ...token, TRUST_PROXY_HOPS: 'all' }, 'TRUST_PROXY_HOPS'],
    [{ ...token, API_DOCS: 'maybe' }, 'API_DOCS'],
    [{ ...token, OUTBOX_RETENTION_HOURS: '0' }, 'OUTBOX_RETENTION_HOURS'],
  ])('names the bad variable: %o', (env, name) => {
    expect(() => readConfig(env)).toThrow(name);
  });
});
