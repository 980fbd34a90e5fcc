import type { FastifyPluginAsync } from 'fastify';
import type { OutboxBacklog } from '../outbox/backlog.ts';

export interface ReadinessReport {
  postgres: boolean;
  kafka: boolean;
  /** Undefined when PostgreSQL cannot be asked. */
  outbox?: OutboxBacklog;
}
export type Readiness = () => Promise<ReadinessReport>;

/**
 * /healthz: the process answers (liveness). /readyz: it can take orders, which needs PostgreSQL only — while
 * Kafka is away orders wait in the outbox, so the pod must stay in its Service; the body still says how Kafka
 * and the outbox are doing.
 */
export const healthRoutes: FastifyPluginAsync<{ readiness: Readiness }> = async (app, opts) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const { postgres, kafka, outbox } = await opts.readiness();
    return reply
      .status(postgres ? 200 : 503)
      .send({ status: postgres ? 'ready' : 'not ready', checks: { postgres, kafka }, outbox });
  });
};
