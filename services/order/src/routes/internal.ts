import { timingSafeEqual } from 'node:crypto';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import {
  InternalOrderSchema,
  StatusUpdateRequestSchema,
  StatusUpdateResponseSchema,
  TransitionBatchRequestSchema,
  TransitionBatchResponseSchema,
} from '@metalmart/contracts';
import { PROBLEM_TITLES } from '../handlers/errors.ts';
import type { applyTransitionsHandler, getOrderHandler, updateOrderStatusHandler } from '../handlers/order-status.ts';
import { PROBLEM_MEDIA_TYPE, problemResponses } from '../problems.ts';

export interface InternalRoutesOptions {
  serviceToken: string;
  updateOrderStatus: ReturnType<typeof updateOrderStatusHandler>;
  applyTransitions: ReturnType<typeof applyTransitionsHandler>;
  getOrder: ReturnType<typeof getOrderHandler>;
  /** The whole OpenAPI document, internal API included (the public one leaves it out). */
  document: () => unknown;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Service-to-service endpoints: every request needs `Authorization: Bearer <ORDER_SERVICE_TOKEN>`. */
export const internalRoutes: FastifyPluginAsyncTypebox<InternalRoutesOptions> = async (app, opts) => {
  // onRequest runs before the body is read or validated: an unauthenticated caller learns nothing.
  app.addHook('onRequest', async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, opts.serviceToken)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .type(PROBLEM_MEDIA_TYPE)
        .send({ title: PROBLEM_TITLES[401], status: 401, detail: 'a valid service token is required' });
    }
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => opts.document());

  app.put(
    '/orders/:id/status',
    {
      schema: {
        tags: ['internal'],
        summary: 'Move an order one legal step (processor only)',
        operationId: 'updateOrderStatus',
        security: [{ serviceToken: [] }],
        params: OrderIdParams,
        body: StatusUpdateRequestSchema,
        response: { 200: StatusUpdateResponseSchema, ...problemResponses(400, 401, 404, 409, 413, 415, 503) },
      },
    },
    (request) => opts.updateOrderStatus(request.params.id, request.body),
  );

  app.post(
    '/order-transitions',
    {
      // Up to TRANSITION_BATCH_MAX transitions (~200 B each) exceed the service's 32 KB default.
      bodyLimit: 256 * 1024,
      schema: {
        tags: ['internal'],
        summary: 'Move many orders one legal step each, in one statement (the processor batches its transitions)',
        operationId: 'applyTransitions',
        security: [{ serviceToken: [] }],
        body: TransitionBatchRequestSchema,
        response: { 200: TransitionBatchResponseSchema, ...problemResponses(400, 401, 413, 415, 422, 503) },
      },
    },
    (request) => opts.applyTransitions(request.body),
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        tags: ['internal'],
        summary: 'An order with full details (operators and tests)',
        operationId: 'getOrder',
        security: [{ serviceToken: [] }],
        params: OrderIdParams,
        response: { 200: InternalOrderSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    (request) => opts.getOrder(request.params.id),
  );
};
