import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import {
  CreateOrderRequestSchema,
  CreateOrderResponseSchema,
  ProductListSchema,
  Text,
  TrackingResponseSchema,
} from '@metalmart/contracts';
import type { createOrderHandler } from '../handlers/create-order.ts';
import type { trackOrderHandler } from '../handlers/track-order.ts';
import { problemResponses } from '../problems.ts';
import type { OrderStore } from '../store/types.ts';

export interface PublicRoutesOptions {
  listProducts: OrderStore['listProducts'];
  createOrder: ReturnType<typeof createOrderHandler>;
  trackOrder: ReturnType<typeof trackOrderHandler>;
}

const imagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'images');

export const publicRoutes: FastifyPluginAsyncTypebox<PublicRoutesOptions> = async (app, opts) => {
  app.get(
    '/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The catalog',
        response: { 200: ProductListSchema, ...problemResponses(503) },
      },
    },
    () => opts.listProducts(),
  );

  app.post(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Place an order (prices come from the catalog)',
        operationId: 'createOrder',
        body: CreateOrderRequestSchema,
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              pattern: '^[\\x21-\\x7e]+$',
              description: 'Same key + same body → same order',
            }),
          ),
        }),
        response: { 201: CreateOrderResponseSchema, ...problemResponses(400, 409, 413, 415, 422, 429, 503) },
      },
      // Where a new order leads (an OpenAPI link: documentation, and Schemathesis' stateful phase follows it). Only
      // to a public operation: the public document leaves the internal ones out.
      links: {
        201: {
          trackOrder: { operationId: 'trackOrder', parameters: { trackingToken: '$response.body#/trackingToken' } },
        },
      },
    },
    async (request, reply) => {
      const { order, replayed, traceId } = await opts.createOrder(request.body, request.headers['idempotency-key']);
      reply.status(201).header('location', `/api/orders/track/${order.trackingToken}`);
      if (replayed) reply.header('idempotent-replayed', 'true');
      request.log.info({ orderId: order.id, orderNumber: order.orderNumber, traceId, replayed }, 'order accepted');
      return order;
    },
  );

  app.get(
    '/orders/track/:trackingToken',
    {
      schema: {
        tags: ['orders'],
        summary: 'Track an order (masked customer data)',
        operationId: 'trackOrder',
        params: Type.Object({
          trackingToken: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
        }),
        response: { 200: TrackingResponseSchema, ...problemResponses(400, 404, 503) },
      },
    },
    (request) => opts.trackOrder(request.params.trackingToken),
  );

  const images = new Map(
    readdirSync(imagesDir)
      .filter((f) => f.endsWith('.svg'))
      .map((f) => [f, readFileSync(join(imagesDir, f))]),
  );
  app.get(
    '/images/:file',
    { schema: { hide: true, params: Type.Object({ file: Text({ maxLength: 100 }) }) } },
    async (request, reply) => {
      const image = images.get(request.params.file);
      if (!image) return reply.callNotFound();
      return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(image);
    },
  );
};
