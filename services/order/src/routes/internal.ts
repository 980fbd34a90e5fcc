import { timingSafeEqual } from 'node:crypto';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import {
  InternalOrderSchema,
  ProblemSchema,
  StatusUpdateRequestSchema,
  StatusUpdateResponseSchema,
} from '@metalmart/contracts';
import type { getOrderHandler, updateOrderStatusHandler } from '../handlers/order-status.ts';

export interface InternalRoutesOptions {
  serviceToken: string;
  updateOrderStatus: ReturnType<typeof updateOrderStatusHandler>;
  getOrder: ReturnType<typeof getOrderHandler>;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

/** Service-to-service endpoints: every request needs `Authorization: Bearer <ORDER_SERVICE_TOKEN>`. */
export const internalRoutes: FastifyPluginAsyncTypebox<InternalRoutesOptions> = async (app, opts) => {
  // onRequest runs before the body is read or validated: an unauthenticated caller learns nothing.
  app.addHook('onRequest', async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, opts.serviceToken)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .type('application/problem+json')
        .send({ title: 'Unauthorized', status: 401, detail: 'a valid service token is required' });
    }
  });

  app.put(
    '/orders/:id/status',
    {
      schema: {
        tags: ['internal'],
        summary: 'Move an order one legal step (processor only)',
        security: [{ serviceToken: [] }],
        params: OrderIdParams,
        body: StatusUpdateRequestSchema,
        response: { 200: StatusUpdateResponseSchema, ...problems },
      },
    },
    (request) => opts.updateOrderStatus(request.params.id, request.body),
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        tags: ['internal'],
        summary: 'An order with full details (operators and tests)',
        security: [{ serviceToken: [] }],
        params: OrderIdParams,
        response: { 200: InternalOrderSchema, ...problems },
      },
    },
    (request) => opts.getOrder(request.params.id),
  );
};
