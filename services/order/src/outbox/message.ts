// An outbox row: what the order handler writes with the order, and what the relay sends to Kafka as it is.
import { HEADERS, type OrderCreatedEvent } from '@metalmart/contracts';

export interface OutboxMessage {
  eventId: string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string>;
}

/** `traceparent`: the request's context; the relay's PRODUCER span becomes its child. */
export function outboxMessageOf(event: OrderCreatedEvent, topic: string, traceparent: string): OutboxMessage {
  return {
    eventId: event.eventId,
    topic,
    key: event.order.id,
    payload: JSON.stringify(event),
    headers: {
      [HEADERS.eventType]: event.type,
      [HEADERS.contentType]: 'application/json',
      [HEADERS.traceparent]: traceparent,
      // mirrord's queue splitting routes on this header (it cannot read the JSON body).
      [HEADERS.customerEmail]: event.order.customer.email,
    },
  };
}

/**
 * The INSERT of one outbox row, as the last part of the store's single-statement order insert (so the row commits
 * with its order), one row per row of `source`; its parameters, from `$first` on, are `outboxRowValues`.
 */
export function insertOutboxRow(source: string, first: number): string {
  const [eventId, topic, key, payload, headers] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
  return `INSERT INTO outbox (event_id, topic, message_key, payload, headers)
SELECT ${eventId}, ${topic}, ${key}, ${payload}, ${headers} FROM ${source}`;
}

export function outboxRowValues(message: OutboxMessage): unknown[] {
  return [message.eventId, message.topic, message.key, message.payload, JSON.stringify(message.headers)];
}
