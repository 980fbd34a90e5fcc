// OpenTelemetry for the Order Service (imported by main.ts only when an OTLP endpoint is set): SERVER spans for
// its HTTP API, PostgreSQL spans inside them. The relay's PRODUCER spans are in kafka/producer.ts.
import { startTracing } from '@metalmart/contracts/telemetry';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

// Probes and scrapes every few seconds would bury the orders' traces.
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

export const tracing = startTracing({
  serviceName: 'order-service',
  instrumentations: [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED.has((request.url ?? '').split('?')[0] ?? ''),
    }),
    // Only inside a request or a publish: the relay's polling and the pruner would each start a trace.
    new PgInstrumentation({ requireParentSpan: true }),
  ],
  hooked: ['pg'],
});
