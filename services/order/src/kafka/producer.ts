import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { contextFromHeaders, MESSAGING, withTraceContext } from '@metalmart/contracts/tracing';
import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import type { OutboxMessage } from '../outbox/message.ts';

/** What the outbox relay needs from Kafka; the real one is below, tests may pass a fake. */
export interface EventProducer {
  send(messages: OutboxMessage[]): Promise<void>;
  /** Resolves when the cluster answers a metadata request. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const tracer = trace.getTracer('metalmart-order-service');

/**
 * One PRODUCER span per event (semantic conventions: `send <topic>`), child of the request that stored it; the
 * record carries the span's own context, so the consumer links to this send.
 */
function startSendSpan(message: OutboxMessage): { span: Span; headers: Record<string, string> } {
  const span = tracer.startSpan(
    `send ${message.topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MESSAGING.system]: 'kafka',
        [MESSAGING.destination]: message.topic,
        [MESSAGING.operationName]: 'send',
        [MESSAGING.operationType]: 'send',
        [MESSAGING.messageId]: message.eventId,
        [MESSAGING.kafkaKey]: message.key,
      },
    },
    contextFromHeaders(message.headers),
  );
  return { span, headers: withTraceContext(message.headers, trace.setSpan(ROOT_CONTEXT, span)) };
}

/**
 * Idempotent producer, acks=all: an acknowledged event is on every in-sync replica, and retries within one
 * producer id add no duplicates. A send that timed out on our side may still have been written; after any
 * failed send @platformatic/kafka 2.x drops its producer id and sequence numbers and asks for a new id on the
 * next send (1.x did not, and wedged on OUT_OF_ORDER_SEQUENCE_NUMBER after a broker stall — see
 * tests/broker-faults.int.test.ts). The relay sends the rows again, so every event reaches the topic at
 * least once; a resend of one that had been written is a duplicate, which consumers absorb and the relay counts.
 */
export function createKafkaEventProducer(kafka: KafkaConnection, clientId = 'order-service'): EventProducer {
  const producer = new Producer({
    clientId,
    ...clientOptions(kafka),
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    // Fail fast while Kafka is down: the relay owns retrying (with backoff), the events wait in the outbox.
    timeout: 5000,
    retries: 2,
    retryDelay: 250,
  });
  return {
    async send(messages) {
      const sends = messages.map(startSendSpan);
      try {
        await producer.send({
          messages: messages.map((m, i) => ({
            topic: m.topic,
            key: m.key,
            value: m.payload,
            headers: sends[i]?.headers ?? m.headers,
          })),
        });
      } catch (error) {
        for (const { span } of sends) span.recordException(error as Error);
        for (const { span } of sends) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        for (const { span } of sends) span.end();
      }
    },
    async ping() {
      await producer.metadata({ topics: [], forceUpdate: true });
    },
    close: () => producer.close(),
  };
}
