import { setTimeout as sleep } from 'node:timers/promises';
import { nextStatus, type OrderCreatedEvent, type OrderStatus, type ProcessedBy } from '@metalmart/contracts';
import { type OrderServiceClient, TransientError, TransitionConflictError } from './order-service-client.ts';

export interface WorkflowDeps {
  orderService: OrderServiceClient;
  stageDelayMs: number;
  instance: string;
  log: { warn(msg: string): void; info(obj: object, msg: string): void };
  /** Injected so unit tests run without waiting. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface RecordSource {
  topic: string;
  partition: number;
  offset: bigint;
}

const defaultWait = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal });

/**
 * The stages of one order: resume from its current status, then processing → confirmed → shipped, each after
 * the stage delay. Transient failures are retried in place until `signal` aborts (shutdown); a poison
 * error propagates to the consumer, which dead-letters the message.
 */
export function createOrderWorkflow(deps: WorkflowDeps) {
  const wait = deps.wait ?? defaultWait;

  async function retrying<T>(what: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        const delay = Math.min(200 * 2 ** (attempt - 1), 10_000);
        if (attempt === 1 || attempt % 5 === 0)
          deps.log.warn(`${what}: ${error.message}; retry ${attempt} in ${delay} ms`);
        await wait(delay, signal);
      }
    }
  }

  return async function processOrder(event: OrderCreatedEvent, source: RecordSource, signal: AbortSignal) {
    const orderId = event.order.id;
    const processedBy: ProcessedBy = {
      instance: deps.instance,
      topic: source.topic,
      partition: source.partition,
      offset: source.offset.toString(),
    };
    let current: OrderStatus = (await retrying('read order', signal, () => deps.orderService.getOrder(orderId))).status;
    for (let next = nextStatus(current); next !== undefined; next = nextStatus(current)) {
      await wait(deps.stageDelayMs, signal);
      const status = next as Exclude<OrderStatus, 'pending'>;
      try {
        const result = await retrying(`move order to ${status}`, signal, () =>
          deps.orderService.updateOrderStatus(orderId, status, processedBy),
        );
        current = result.applied ? status : result.status;
        deps.log.info({ orderId, status, applied: result.applied }, 'order status updated');
      } catch (error) {
        if (!(error instanceof TransitionConflictError)) throw error;
        // Someone else (a redelivery elsewhere) moved it meanwhile: continue from where it really is.
        current = (await retrying('read order', signal, () => deps.orderService.getOrder(orderId))).status;
      }
    }
  };
}
