import Fastify from 'fastify';
import type { Registry } from 'prom-client';
import type { OrderConsumer } from './consumer.ts';

/** /healthz (process alive) and /readyz (joined the consumer group) for Kubernetes probes, /status, /metrics. */
export function buildHealthServer(
  consumer: OrderConsumer,
  metrics: Registry,
  describe: () => object,
  totals: () => Promise<object>,
) {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) =>
    reply.status(consumer.joined ? 200 : 503).send({ status: consumer.joined ? 'ready' : 'joining' }),
  );
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  app.get('/status', async () => ({ ...describe(), inFlight: consumer.inFlight, ...(await totals()) }));
  return app;
}
