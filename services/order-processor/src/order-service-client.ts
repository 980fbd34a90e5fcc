import type { InternalOrder, ProcessedBy, StatusUpdateResponse } from '@metalmart/contracts';
import { PoisonMessageError, RequestFailedError, TransitionConflictError, UnavailableError } from './errors.ts';

export interface OrderServiceClient {
  getOrder(id: string): Promise<Pick<InternalOrder, 'id' | 'status'>>;
  updateOrderStatus(
    id: string,
    status: 'processing' | 'confirmed' | 'shipped',
    by: ProcessedBy,
  ): Promise<StatusUpdateResponse>;
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

export function createHttpOrderServiceClient(opts: {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}): OrderServiceClient {
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${opts.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${opts.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // A timeout may be this order's request hanging: counted. A refused connection is an outage: not counted.
      if ((error as Error).name === 'TimeoutError')
        throw new RequestFailedError(`${method} ${path} timed out after ${timeoutMs} ms`, { cause: error });
      throw new UnavailableError(`Order Service unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (response.ok) return (await response.json()) as T;
    const detail = await response.text().catch(() => '');
    throw classifyResponse(response.status, `${method} ${path}`, detail);
  }

  return {
    getOrder: (id) => call('GET', `/internal/orders/${encodeURIComponent(id)}`),
    updateOrderStatus: (id, status, processedBy) =>
      call('PUT', `/internal/orders/${encodeURIComponent(id)}/status`, { status, processedBy }),
  };
}
