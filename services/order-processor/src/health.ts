import Fastify from 'fastify';
import type { OrderConsumer } from './consumer.ts';

/** /healthz (process alive) and /readyz (joined the consumer group) for Kubernetes probes, plus /status. */
export function buildHealthServer(consumer: OrderConsumer, describe: () => object) {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) =>
    reply.status(consumer.joined ? 200 : 503).send({ status: consumer.joined ? 'ready' : 'joining' }),
  );
  app.get('/status', async () => ({ ...describe(), inFlight: consumer.inFlight, ...consumer.stats }));
  return app;
}
