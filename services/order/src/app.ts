import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { trace } from '@opentelemetry/api';
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions, LogController } from 'fastify';
import { type CreateOrderDeps, createOrderHandler } from './handlers/create-order.ts';
import { applyTransitionsHandler, getOrderHandler, updateOrderStatusHandler } from './handlers/order-status.ts';
import { trackOrderHandler } from './handlers/track-order.ts';
import type { OrderServiceMetrics } from './metrics.ts';
import { publicDocument } from './openapi.ts';
import { problemErrorHandler, problemNotFoundHandler, RouteMethods } from './problems.ts';
import { limitOrderCreation } from './rate-limit.ts';
import { healthRoutes, type Readiness } from './routes/health.ts';
import { internalRoutes } from './routes/internal.ts';
import { type OpsRoutesOptions, opsRoutes } from './routes/ops.ts';
import { publicRoutes } from './routes/public.ts';
import type { OrderStore } from './store/types.ts';

export interface AppDeps {
  store: OrderStore;
  relay: CreateOrderDeps['relay'];
  topic: string;
  serviceToken: string;
  readiness: Readiness;
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** Orders one client may place per minute; 0 or unset: no limit. */
  orderRateLimitPerMinute?: number;
  /** Proxies in front whose X-Forwarded-For is trusted (0: none). */
  trustProxyHops?: number;
  /** Serve Swagger UI at /api/docs. */
  apiDocs?: boolean;
  /** Prometheus metrics, served at /metrics (not under /api: the frontend's proxy does not expose them). */
  metrics?: OrderServiceMetrics;
  /** The live pipeline page's API at /api/ops; unset: not served. */
  ops?: OpsRoutesOptions;
}

/** The Order Service as a Fastify app, without a port: main.ts listens, tests use `app.inject`. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    ...(deps.logger && typeof deps.logger === 'object' && 'child' in deps.logger
      ? { loggerInstance: deps.logger }
      : { logger: deps.logger ?? false }),
    bodyLimit: 32 * 1024,
    // The client is the address `trustProxyHops` proxies back (what proxy-addr does for a number of hops).
    trustProxy: (_address: string, hop: number) => hop < (deps.trustProxyHops ?? 0),
    // Per-request lines would drown the pipeline's story (and the probes poll); handlers log what matters.
    logController: new LogController({ disableRequestLogging: true }),
    // One engine validates at every boundary: the TypeBox schemas from packages/contracts.
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON only: anything else is a 415, not a body that fails validation.
  app.removeContentTypeParser('text/plain');
  // A known path with another method: 405 with Allow (the routes are collected as they are registered).
  const routes = new RouteMethods();
  app.addHook('onRoute', (route) => routes.add(route));
  app.setErrorHandler(problemErrorHandler(routes));
  // The HTTP instrumentation's SERVER span knows the method only; Fastify knows the route (a no-op untraced).
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route) trace.getActiveSpan()?.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
  });
  app.setNotFoundHandler(problemNotFoundHandler(routes));

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'MetalMart Order Service',
        version: '1.0.0',
        description: 'Takes orders, stores them in PostgreSQL and publishes order.created to Kafka (outbox).',
      },
      components: {
        securitySchemes: { serviceToken: { type: 'http', scheme: 'bearer', description: 'ORDER_SERVICE_TOKEN' } },
      },
    },
  });
  if (deps.apiDocs) {
    await app.register(swaggerUi, { routePrefix: '/api/docs', transformSpecification: (doc) => publicDocument(doc) });
  }
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => publicDocument(app.swagger()));
  // Before the routes: the limiter attaches itself to the routes registered after it.
  await limitOrderCreation(app, deps.orderRateLimitPerMinute ?? 0);

  await app.register(healthRoutes, { readiness: deps.readiness });
  const metrics = deps.metrics;
  if (metrics) {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
    app.addHook('onResponse', async (request, reply) => {
      if (request.method === 'POST' && request.routeOptions.url === '/api/orders') metrics.order(reply.statusCode);
    });
  }
  await app.register(publicRoutes, {
    prefix: '/api',
    listProducts: () => deps.store.listProducts(),
    createOrder: createOrderHandler({
      store: deps.store,
      relay: deps.relay,
      topic: deps.topic,
    }),
    trackOrder: trackOrderHandler(deps.store),
  });
  if (deps.ops) await app.register(opsRoutes, { prefix: '/api/ops', ...deps.ops });
  await app.register(internalRoutes, {
    prefix: '/internal',
    serviceToken: deps.serviceToken,
    updateOrderStatus: updateOrderStatusHandler(deps.store),
    applyTransitions: applyTransitionsHandler(deps.store),
    getOrder: getOrderHandler(deps.store),
    document: () => app.swagger(),
  });
  return app;
}
