import { NON_BLANK_TEXT_PATTERN, ProblemSchema, TEXT_PATTERN, TEXT_RULE_MESSAGE } from '@metalmart/contracts';
import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { PROBLEM_TITLES, ProblemError, titleOf } from './handlers/errors.ts';
import { isDatabaseUnavailable } from './store/pool.ts';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const descriptions: Record<number, string> = {
  400: 'The request is malformed or breaks the schema; `errors` names the fields',
  401: 'No valid service token',
  404: 'No such resource',
  409: 'The request conflicts with the resource’s state',
  413: 'The body is larger than 32 KiB',
  415: 'The body is not JSON',
  422: 'Schema-valid but not acceptable (unknown or repeated product, mixed currencies; an order twice in one batch)',
  429: 'More orders from this client than ORDER_RATE_LIMIT_PER_MINUTE allows; retry after `Retry-After` seconds',
  503: 'The order database is unavailable or saturated; retry after `Retry-After` seconds',
};

/** OpenAPI responses for these statuses: RFC 9457 problem details, documented as what they are. */
export function problemResponses<const S extends readonly (keyof typeof descriptions)[]>(...statuses: S) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status], content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } } },
    ]),
  ) as {
    [K in S[number]]: { description: string; content: { [PROBLEM_MEDIA_TYPE]: { schema: typeof ProblemSchema } } };
  };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { additionalProperties?: string[] | string; requiredProperties?: string[]; pattern?: string };
}

/** The text rule's pattern is not a message a person can act on; say what it means. */
function messageOf(issue: ValidationIssue): string {
  if (issue.keyword === 'pattern' && issue.params?.pattern === TEXT_PATTERN) return TEXT_RULE_MESSAGE;
  if (issue.keyword === 'pattern' && issue.params?.pattern === NON_BLANK_TEXT_PATTERN) {
    return `must not be blank and ${TEXT_RULE_MESSAGE.replace('must ', '')}`;
  }
  return issue.message ?? 'is invalid';
}

/**
 * PostgreSQL is there but cannot take the statement now: too many connections (53300), the statement was
 * cancelled by `statement_timeout` (57014), it lost a deadlock or a serialization conflict more often than the
 * store retries (40P01, 40001). A retry later can succeed: 503, like an outage, not a 500.
 */
const DATABASE_BUSY_CODES = new Set(['53300', '57014', '40P01', '40001']);
function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && DATABASE_BUSY_CODES.has(code);
}

/** Client text echoed back (a property name, a parser's message) may hold what the text rule refuses: escaped. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  const base = issue.instancePath ?? '';
  const extra = issue.params?.additionalProperties ?? issue.params?.requiredProperties;
  const name = Array.isArray(extra) ? extra[0] : extra;
  // A JSON pointer (RFC 6901): a property name's `~` and `/` are escaped.
  const path = name ? `${base}/${printable(name).replaceAll('~', '~0').replaceAll('/', '~1')}` : base || '/';
  return context === 'body' || !context ? path : `${context}:${path}`;
}

/** The service's one error mapper: RFC 9457 problem details; 4xx say what was wrong, 5xx say nothing internal. */
export function problemErrorHandler(routes?: RouteMethods) {
  const notFound = problemNotFoundHandler(routes);
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // No route matched, and reading the body for the not-found handler failed (`QUERY` without a Content-Type,
    // say): the answer is still about the route, 404 or 405, never a 400 about a body nobody would read.
    if (request.is404) return notFound(request, reply);
    return mapError(error, request, reply);
  };
}

function mapError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.type(PROBLEM_MEDIA_TYPE);
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
      .map((issue) => ({ field: fieldOf(issue, error.validationContext), message: messageOf(issue) }));
    return reply.status(400).send({
      title: 'Invalid request',
      status: 400,
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      errors,
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.status(status).send({ title: titleOf(status), status, detail: printable(error.message) });
  }
  if (isDatabaseUnavailable(error) || isDatabaseBusy(error)) {
    request.log.warn(`PostgreSQL unavailable: ${error.message}`);
    return reply.status(503).header('retry-after', '5').send({
      title: PROBLEM_TITLES[503],
      status: 503,
      detail: 'the order database is unavailable; try again shortly',
    });
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send({ title: PROBLEM_TITLES[500], status: 500, detail: 'something went wrong on our side' });
}

/**
 * The routes the app has, by path pattern, so that a known path with an undeclared method is a 405 with `Allow`
 * (RFC 9110 §15.5.6) rather than a 404. Feed it from an `onRoute` hook.
 */
export class RouteMethods {
  readonly #byPattern = new Map<string, { regex: RegExp; methods: Set<string> }>();

  add(route: Pick<RouteOptions, 'method' | 'url'>) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let entry = this.#byPattern.get(route.url);
    if (!entry) {
      const source = route.url
        .split('/')
        .map((segment) =>
          segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      entry = { regex: new RegExp(`^${source}$`), methods: new Set() };
      this.#byPattern.set(route.url, entry);
    }
    for (const method of methods) entry.methods.add(method.toUpperCase());
  }

  /** The methods the path answers to (empty: an unknown path). */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const { regex, methods: own } of this.#byPattern.values()) {
      if (regex.test(path)) for (const m of own) methods.add(m);
    }
    return [...methods].sort();
  }
}

export function problemNotFoundHandler(routes?: RouteMethods) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = routes?.allowed(path) ?? [];
    if (allowed.length > 0) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .type(PROBLEM_MEDIA_TYPE)
        .send({ title: PROBLEM_TITLES[405], status: 405, detail: `${path} answers ${allowed.join(', ')}` });
    }
    return reply
      .status(404)
      .type(PROBLEM_MEDIA_TYPE)
      .send({ title: PROBLEM_TITLES[404], status: 404, detail: `no route ${request.method} ${path}` });
  };
}
