// The lab's way to slow the Order Service's internal API without a line of lab code in the service: under
// `npm start` the processors reach the Order Service through this loopback proxy, which passes every request on
// untouched (@fastify/http-proxy) and, while the slow-internal-api fault is on, holds each one for a chosen time first.
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';

export interface SlowProxy {
  /** What the processors get as ORDER_SERVICE_URL. */
  url: string;
  /** The latency added to each request from now on (0: none). */
  setLatency(ms: number): void;
  latency(): number;
  close(): Promise<void>;
}

export async function startSlowProxy(upstream: string): Promise<SlowProxy> {
  let latencyMs = 0;
  const app = Fastify({ logger: false });
  await app.register(proxy, {
    upstream,
    // Requests held by a fault are not refused: a processor's own timeout decides what a slow answer means.
    preHandler: async () => {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the lab proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    latency: () => latencyMs,
    close: () => app.close(),
  };
}
