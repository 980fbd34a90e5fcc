// The processor's own spans. Without an SDK (tracing off) the API hands out no-op spans: nothing is recorded.
import { contextFromHeaders, MESSAGING, remoteSpanOf } from '@metalmart/contracts/tracing';
import {
  context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Delivery } from './kafka.ts';

const tracer = trace.getTracer('metalmart-order-processor');

/**
 * Runs the handling of one delivery in a CONSUMER span (`process <topic>`). It continues the record's trace
 * (so one trace runs from the POST to the last transition) and, as the messaging conventions recommend, also
 * links to the producer span the record carries.
 */
export function inDeliverySpan<T>(delivery: Delivery, groupId: string, handle: () => Promise<T>): Promise<T> {
  const producerContext = contextFromHeaders(delivery.headers);
  const producer = remoteSpanOf(producerContext);
  const span = tracer.startSpan(
    `process ${delivery.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links: producer ? [{ context: producer }] : [],
      attributes: {
        [MESSAGING.system]: 'kafka',
        [MESSAGING.destination]: delivery.topic,
        [MESSAGING.partition]: String(delivery.partition),
        [MESSAGING.kafkaOffset]: Number(delivery.offset),
        [MESSAGING.consumerGroup]: groupId,
        [MESSAGING.operationName]: 'process',
        [MESSAGING.operationType]: 'process',
        ...(delivery.key === undefined ? {} : { [MESSAGING.kafkaKey]: delivery.key }),
      },
    },
    producerContext,
  );
  return context.with(trace.setSpan(producerContext, span), () => ended(span, handle));
}

/** One span per status transition; the Order Service call inside it is its child. */
export function inTransitionSpan<T>(orderId: string, status: string, transition: () => Promise<T>): Promise<T> {
  const span = tracer.startSpan(`transition ${status}`, {
    attributes: { 'order.id': orderId, 'order.status': status },
  });
  return context.with(trace.setSpan(context.active(), span), () => ended(span, transition));
}

/**
 * One batch of transitions goes out for many orders, so its request belongs to no single order's trace: it runs in
 * a span of its own (a new trace) that links to every transition span it carries.
 */
export function inBatchSpan<T>(callers: SpanContext[], count: number, send: () => Promise<T>): Promise<T> {
  const span = tracer.startSpan(
    'order transitions',
    { links: callers.map((context) => ({ context })), attributes: { 'order.transitions.count': count } },
    ROOT_CONTEXT,
  );
  return context.with(trace.setSpan(ROOT_CONTEXT, span), () => ended(span, send));
}

/** Marks the active delivery span as failed (a dead-lettered message) or notes a retry on it. */
export function noteOnDelivery(event: 'retry' | 'dead-lettered', attributes: Record<string, string | number>): void {
  const span = trace.getActiveSpan();
  span?.addEvent(event, attributes);
  if (event === 'dead-lettered') span?.setStatus({ code: SpanStatusCode.ERROR, message: String(attributes.reason) });
}

async function ended<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
