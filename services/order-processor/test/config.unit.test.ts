import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.ts';

const token = { ORDER_SERVICE_TOKEN: 'x'.repeat(32) };

describe('processor config', () => {
  it('has defaults that match the local stack and the seed names', () => {
    const config = readConfig(token);
    expect(config).toMatchObject({
      kafka: { bootstrapBrokers: ['127.0.0.1:9092'], securityProtocol: 'PLAINTEXT' },
      topic: 'order.created',
      groupId: 'order-processor',
      deadLetterTopic: 'order.created.dlq',
      orderServiceUrl: 'http://127.0.0.1:8080',
      stageDelayMs: 2000,
    });
  });

  it('reads the topic and group from KAFKA_TOPIC and KAFKA_GROUP_ID (mirrord swaps them)', () => {
    const config = readConfig({ ...token, KAFKA_TOPIC: 'mirrord-tmp-abc-order.created', KAFKA_GROUP_ID: 'g' });
    expect(config.topic).toBe('mirrord-tmp-abc-order.created');
    expect(config.groupId).toBe('g');
  });

  it.each([
    [{}, 'ORDER_SERVICE_TOKEN'],
    [{ ...token, STAGE_DELAY_MS: 'soon' }, 'STAGE_DELAY_MS'],
    [{ ...token, PROCESSOR_CONCURRENCY: '0' }, 'PROCESSOR_CONCURRENCY'],
    [{ ...token, KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ ...token, ORDER_SERVICE_URL: 'ftp://x' }, 'ORDER_SERVICE_URL'],
    [{ ...token, PORT: '70000' }, 'PORT'],
  ])('names the bad variable: %o', (env, name) => {
    expect(() => readConfig(env)).toThrow(name);
  });
});
