import { setTimeout as sleep } from 'node:timers/promises';
import {
  INITIAL_STATUS,
  type Logger,
  nextStatus,
  type OrderCreatedEvent,
  type OrderStatus,
  type ProcessedBy,
} from '@metalmart/contracts';
import { TransitionConflictError } from './errors.ts';
import type { OrderServiceClient } from './order-service-client.ts';
import { inTransitionSpan } from './spans.ts';

export interface WorkflowDeps {
  orderService: OrderServiceClient;
  stageDelayMs: number;
  instance: string;
  log: Pick<Logger, 'info'>;
  /** Injected so unit tests run without waiting. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told how long each stage took (delay + transition), for metrics. */
  onStage?: (status: string, seconds: number) => void;
}

export interface RecordSource {
  topic: string;
  partition: number;
  offset: bigint;
  /** The record's trace id, for the log lines about its order. */
  traceId?: string | undefined;
}

/** `attempt`: 1 for a new delivery; more when the consumer retries it after a failure. */
export type OrderWorkflow = (
  event: OrderCreatedEvent,
  source: RecordSource,
  signal: AbortSignal,
  attempt?: number,
) => Promise<void>;

const defaultWait = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal });

/**
 * The stages of one order: processing → confirmed → shipped, each after the stage delay. A new delivery starts
 * from pending without asking (an order.created event is pending when published; for a redelivered one the
 * first answer says where it really is, and it goes on from there); a retry asks first, so it resumes where the
 * order is. Any failure propagates to the consumer, which retries the whole workflow or dead-letters the
 * message — one retry policy, in one place.
 */
export function createOrderWorkflow(deps: WorkflowDeps): OrderWorkflow {
  const wait = deps.wait ?? defaultWait;
  return async function processOrder(event, source, signal, attempt = 1) {
    const orderId = event.order.id;
    const processedBy: ProcessedBy = {
      instance: deps.instance,
      topic: source.topic,
      partition: source.partition,
      offset: source.offset.toString(),
    };
    let current: OrderStatus = attempt === 1 ? INITIAL_STATUS : (await deps.orderService.getOrder(orderId)).status;
    for (let status = nextStatus(current); status !== undefined; status = nextStatus(current)) {
      const started = performance.now();
      await wait(deps.stageDelayMs, signal);
      try {
        const result = await inTransitionSpan(orderId, status, () =>
          deps.orderService.updateOrderStatus(orderId, status, processedBy),
        );
        current = result.applied ? status : result.status;
        deps.log.info({ orderId, status, applied: result.applied, traceId: source.traceId }, 'order status updated');
        deps.onStage?.(status, (performance.now() - started) / 1000);
      } catch (error) {
        if (!(error instanceof TransitionConflictError)) throw error;
        // Someone else (a redelivery elsewhere) moved it meanwhile: continue from where it really is.
        current = (await deps.orderService.getOrder(orderId)).status;
      }
    }
  };
}
