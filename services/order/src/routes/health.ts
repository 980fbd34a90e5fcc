import type { FastifyPluginAsync } from 'fastify';

export type Readiness = () => Promise<Record<string, boolean>>;

export const healthRoutes: FastifyPluginAsync<{ readiness: Readiness }> = async (app, opts) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks = await opts.readiness();
    const ready = Object.values(checks).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
