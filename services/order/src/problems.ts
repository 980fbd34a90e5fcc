import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from './handlers/errors.ts';
import { isDatabaseUnavailable } from './store/pool.ts';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { additionalProperties?: string[] | string; requiredProperties?: string[] };
}

function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  const base = issue.instancePath ?? '';
  const extra = issue.params?.additionalProperties ?? issue.params?.requiredProperties;
  const name = Array.isArray(extra) ? extra[0] : extra;
  const path = name ? `${base}/${name}` : base || '/';
  return context === 'body' || !context ? path : `${context}:${path}`;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
};

/** The service's one error mapper: RFC 9457 problem details; 4xx say what was wrong, 5xx say nothing internal. */
export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.type('application/problem+json');
  if (error instanceof ProblemError) {
    return reply.status(error.status).send({
      title: error.title,
      status: error.status,
      detail: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
    });
  }
  if (error.validation) {
    const errors = (error.validation as ValidationIssue[])
      // TypeBox reports an extra property twice; keep the message that says what is wrong.
      .filter((issue) => issue.message !== 'schema is false')
      .map((issue) => ({ field: fieldOf(issue, error.validationContext), message: issue.message ?? 'is invalid' }));
    return reply.status(400).send({
      title: 'Invalid request',
      status: 400,
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      errors,
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.status(status).send({ title: titles[status] ?? 'Bad Request', status, detail: error.message });
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn(`PostgreSQL unavailable: ${error.message}`);
    return reply.status(503).header('retry-after', '5').send({
      title: 'Service Unavailable',
      status: 503,
      detail: 'the order database is unavailable; try again shortly',
    });
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send({ title: 'Internal Server Error', status: 500, detail: 'something went wrong on our side' });
}

export function problemNotFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .type('application/problem+json')
    .send({ title: 'Not Found', status: 404, detail: `no route ${request.method} ${request.url.split('?')[0]}` });
}
