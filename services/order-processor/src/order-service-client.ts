import {
  type InternalOrder,
  type ProcessedBy,
  type StatusUpdateResponse,
  type TargetStatus,
  type TransitionBatchResponse,
  transitionAnswer,
} from '@metalmart/contracts';
import { type Dispatcher, Pool } from 'undici';
import { PoisonMessageError, RequestFailedError, TransitionConflictError, UnavailableError } from './errors.ts';
import { inBatchSpan } from './spans.ts';
import { createTransitionBatcher } from './transition-batcher.ts';

export interface OrderServiceClient {
  getOrder(id: string): Promise<Pick<InternalOrder, 'id' | 'status'>>;
  updateOrderStatus(id: string, status: TargetStatus, by: ProcessedBy): Promise<StatusUpdateResponse>;
}

/** Statuses meaning "the Order Service cannot take requests now", whatever the order: wait, never give up. */
const UNAVAILABLE = new Set([401, 403, 429, 502, 503, 504]);

/** Every answer of the internal API, classified (see errors.ts for what the consumer does with each). */
export function classifyResponse(status: number, what: string, detail: string): Error {
  const text = `${what} → ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}`;
  if (status === 404) return new PoisonMessageError(`unknown order (${text})`);
  if (status === 409) return new TransitionConflictError(text);
  if (status === 401 || status === 403) {
    // A wrong token is a deployment mistake, not a bad message: keep the message and wait.
    return new UnavailableError(`Order Service rejected the service token (${text}): check ORDER_SERVICE_TOKEN`);
  }
  if (UNAVAILABLE.has(status)) return new UnavailableError(`Order Service unavailable (${text})`);
  // 500 and the 4xx the contract does not explain (e.g. a 400 from contract drift during a rolling deploy):
  // retried, and dead-lettered only after PROCESSOR_MAX_ATTEMPTS.
  return new RequestFailedError(`Order Service refused (${text})`);
}

/**
 * The internal API over a keep-alive pool of undici (`request`, not `fetch`: a CPU profile of a processor at
 * delay 0 spent half its time in fetch's WHATWG streams and per-request signals). The pool bounds the sockets
 * to the Order Service however many orders are in flight; requests beyond them queue in it.
 */
export function createHttpOrderServiceClient(opts: {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  connections?: number;
}): OrderServiceClient & { close(): Promise<void> } {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const base = new URL(opts.baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const pool = new Pool(base.origin, { connections: opts.connections ?? 64, keepAliveTimeout: 10_000 });
  const authorization = `Bearer ${opts.token}`;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request({
        method,
        path: `${prefix}${path}`,
        headers: body === undefined ? { authorization } : { authorization, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Time to the answer's headers and between body chunks: a hanging request fails, a slow queue does not.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      // Refused, reset or timed out: the Order Service (or its database behind it) is away, whatever the order —
      // an outage, waited out without spending the order's attempts (it answers 503 itself when it can).
      const code = (error as { code?: string }).code;
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
        throw new UnavailableError(`${method} ${path} timed out after ${timeoutMs} ms`, { cause: error });
      throw new UnavailableError(`Order Service unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return (await response.body.json()) as T;
    const detail = await response.body.text().catch(() => '');
    throw classifyResponse(response.statusCode, `${method} ${path}`, detail);
  }

  const transition = createTransitionBatcher(
    (transitions, callers) =>
      inBatchSpan(
        callers,
        transitions.length,
        async () =>
          (await call<TransitionBatchResponse>('POST', '/internal/order-transitions', { transitions })).results,
      ),
    // A batch the Order Service failed on (a 500: maybe one order of it) is resent one order at a time, so that
    // order fails alone; an outage (UnavailableError) fails the whole batch, and every order waits alike.
    { splitOn: (error) => error instanceof RequestFailedError },
  );

  return {
    getOrder: (id) => call('GET', `/internal/orders/${encodeURIComponent(id)}`),
    // Batched with the other orders' transitions of the same moment: one request, one statement.
    async updateOrderStatus(id, status, processedBy) {
      const settled = transitionAnswer(id, status, await transition({ id, status, processedBy }));
      if ('answer' in settled) return settled.answer;
      if (settled.refused === 'illegal') throw new TransitionConflictError(settled.message);
      throw new PoisonMessageError(`unknown order (POST /internal/order-transitions: ${settled.message})`);
    },
    close: () => pool.close(),
  };
}
