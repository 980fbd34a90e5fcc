import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { healthRoutes, type ReadinessReport } from '../src/routes/health.ts';

async function readyz(report: ReadinessReport) {
  const app = Fastify();
  await app.register(healthRoutes, { readiness: async () => report });
  const response = await app.inject('/readyz');
  await app.close();
  return { status: response.statusCode, body: response.json() };
}

describe('health endpoints', () => {
  it('stays ready while Kafka is down (orders wait in the outbox) and says so', async () => {
    const outbox = { unpublished: 12, parked: 0, oldestUnpublishedSeconds: 41.5 };
    expect(await readyz({ postgres: true, kafka: false, outbox })).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: true, kafka: false }, outbox },
    });
  });

  it('is not ready without PostgreSQL (no order could be stored)', async () => {
    expect((await readyz({ postgres: false, kafka: true })).status).toBe(503);
  });
});
