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
 * The INSERT of outbox rows, as the last part of the store's order insert (so each row commits with its order):
 * one row per message whose order is in `source` (a relation with an `id` column); its six array parameters, from
 * `$first` on, are `outboxColumns`.
 */
export function insertOutboxRows(source: string, first: number): string {
  const [orderId, eventId, topic, key, payload, headers] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  return `INSERT INTO outbox (event_id, topic, message_key, payload, headers)
SELECT m.event_id, m.topic, m.message_key, m.payload, m.headers
  FROM unnest(${orderId}::uuid[], ${eventId}::uuid[], ${topic}::text[], ${key}::text[], ${payload}::text[], ${headers}::jsonb[])
    WITH ORDINALITY AS m(order_id, event_id, topic, message_key, payload, headers, n)
  JOIN ${source} ON ${source}.id = m.order_id
 ORDER BY m.n`;
}

/** The parameters of `insertOutboxRows`: `orderIds[i]` is the order `messages[i]` was written with. */
export function outboxColumns(orderIds: string[], messages: OutboxMessage[]): unknown[][] {
  return [
    orderIds,
    messages.map((m) => m.eventId),
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => m.payload),
    messages.map((m) => JSON.stringify(m.headers)),
  ];
}
