// Trace context as both services carry it: W3C `traceparent` in the outbox row and the Kafka record headers.
// Only @opentelemetry/api here (a no-op without an SDK), so nothing costs anything while tracing is off.
import { randomBytes } from 'node:crypto';
import { type Context, context, propagation, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { HEADERS } from './kafka.ts';

// Only the services import this module (`@metalmart/contracts/tracing`); the shop never does.

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The active context as a traceparent, or a fresh random one while tracing is off: every order then still has
 * one trace id that its log lines in both services and its tracking page share.
 */
export function currentTraceparent(): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier[HEADERS.traceparent] ?? `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The trace id of a traceparent header, or undefined for a missing or malformed one. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent === undefined ? undefined : TRACEPARENT.exec(traceparent)?.[1];
}

/** The context a record or row carries (root when it carries none). */
export function contextFromHeaders(headers: Map<string, string> | Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    keys: () => (headers instanceof Map ? [...headers.keys()] : Object.keys(headers)),
    get: (_carrier, key) => (headers instanceof Map ? headers.get(key) : headers[key]),
  });
}

/** The remote span a context points at (the producer span of a record), for a span link. */
export function remoteSpanOf(ctx: Context): SpanContext | undefined {
  const span = trace.getSpanContext(ctx);
  return span && trace.isSpanContextValid(span) ? span : undefined;
}

/** Headers with the traceparent (and tracestate) of `ctx` written in; the others kept. */
export function withTraceContext(headers: Record<string, string>, ctx: Context): Record<string, string> {
  const next = { ...headers };
  propagation.inject(ctx, next);
  return next;
}

/** Messaging attributes of the OpenTelemetry semantic conventions (messaging spans, Kafka). */
export const MESSAGING = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  consumerGroup: 'messaging.consumer.group.name',
  messageId: 'messaging.message.id',
  kafkaKey: 'messaging.kafka.message.key',
  kafkaOffset: 'messaging.kafka.offset',
  batchCount: 'messaging.batch.message_count',
} as const;
