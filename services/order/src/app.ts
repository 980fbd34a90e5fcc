import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions, LogController } from 'fastify';
import { type CreateOrderDeps, createOrderHandler } from './handlers/create-order.ts';
import { type IdSource, randomIds } from './handlers/ids.ts';
import { getOrderHandler, updateOrderStatusHandler } from './handlers/order-status.ts';
import { trackOrderHandler } from './handlers/track-order.ts';
import { problemErrorHandler, problemNotFoundHandler } from './problems.ts';
import { healthRoutes, type Readiness } from './routes/health.ts';
import { internalRoutes } from './routes/internal.ts';
import { publicRoutes } from './routes/public.ts';
import type { OrderStore } from './store/types.ts';

export interface AppDeps {
  store: OrderStore;
  producer: CreateOrderDeps['producer'];
  topic: string;
  serviceToken: string;
  readiness: Readiness;
  ids?: IdSource;
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
}

/** The Order Service as a Fastify app, without a port: main.ts listens, tests use `app.inject`. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    ...(deps.logger && typeof deps.logger === 'object' && 'child' in deps.logger
      ? { loggerInstance: deps.logger }
      : { logger: deps.logger ?? false }),
    bodyLimit: 32 * 1024,
    // Per-request lines would drown the pipeline's story (and the probes poll); handlers log what matters.
    logController: new LogController({ disableRequestLogging: true }),
    // One engine validates at every boundary: the TypeBox schemas from packages/contracts.
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON only: anything else is a 415, not a body that fails validation.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler(problemNotFoundHandler);

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
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(publicRoutes, {
    prefix: '/api',
    listProducts: () => deps.store.listProducts(),
    createOrder: createOrderHandler({
      store: deps.store,
      producer: deps.producer,
      ids: deps.ids ?? randomIds,
      topic: deps.topic,
    }),
    trackOrder: trackOrderHandler(deps.store),
  });
  await app.register(internalRoutes, {
    prefix: '/internal',
    serviceToken: deps.serviceToken,
    updateOrderStatus: updateOrderStatusHandler(deps.store),
    getOrder: getOrderHandler(deps.store),
  });
  return app;
}
