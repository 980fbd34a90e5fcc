import type { InternalOrder, ProcessedBy, StatusUpdateResponse } from '@metalmart/contracts';

/** Will never succeed however often it is retried: the message goes to the dead-letter topic. */
export class PoisonMessageError extends Error {}
/** May succeed later (Order Service down, timeout, 5xx): retry in place, never skip. */
export class TransientError extends Error {}
/** The order is not in the state the transition expects (another instance moved it): re-read and go on. */
export class TransitionConflictError extends Error {}

export interface OrderServiceClient {
  getOrder(id: string): Promise<Pick<InternalOrder, 'id' | 'status'>>;
  updateOrderStatus(
    id: string,
    status: 'processing' | 'confirmed' | 'shipped',
    by: ProcessedBy,
  ): Promise<StatusUpdateResponse>;
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
      throw new TransientError(`Order Service unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (response.ok) return (await response.json()) as T;
    const detail = await response.text().catch(() => '');
    if (response.status === 404) throw new PoisonMessageError(`unknown order (${method} ${path} → 404)`);
    if (response.status === 409) throw new TransitionConflictError(detail);
    if (response.status === 401) {
      // A wrong token is a deployment mistake, not a bad message: keep the message and retry.
      throw new TransientError('Order Service rejected the service token (401): check ORDER_SERVICE_TOKEN');
    }
    if (response.status >= 500 || response.status === 429) {
      throw new TransientError(`Order Service answered ${response.status}: ${detail.slice(0, 200)}`);
    }
    throw new PoisonMessageError(
      `Order Service refused ${method} ${path} (${response.status}): ${detail.slice(0, 200)}`,
    );
  }

  return {
    getOrder: (id) => call('GET', `/internal/orders/${encodeURIComponent(id)}`),
    updateOrderStatus: (id, status, processedBy) =>
      call('PUT', `/internal/orders/${encodeURIComponent(id)}/status`, { status, processedBy }),
  };
}
