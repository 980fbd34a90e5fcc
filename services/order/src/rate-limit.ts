import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

/**
 * Abuse control for the one public write: `POST /api/orders`, at most `perMinute` per client (its IP; behind a
 * proxy set TRUST_PROXY_HOPS so that is the shopper's, not the proxy's). Over it: 429 problem+json with
 * `Retry-After` (the app's error handler writes the body). Off when `perMinute` is 0 — the default, so
 * `npm start`, the tests and the benchmark are never throttled; the Kubernetes and Compose manifests turn it on.
 */
export async function limitOrderCreation(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    // Everything but order creation passes untouched (reads, tracking polls, the internal API, probes).
    allowList: (request) => !(request.method === 'POST' && request.url.split('?')[0] === '/api/orders'),
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`more than ${context.max} orders a minute from this client; retry in ${context.after}`), {
        statusCode: context.statusCode,
      }),
  });
}
