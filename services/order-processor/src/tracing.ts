// OpenTelemetry for the Order Processor (imported by main.ts only when an OTLP endpoint is set). The CONSUMER
// and transition spans are in spans.ts; the Order Service calls get CLIENT spans (and a traceparent header) from
// the undici instrumentation, which listens on Node's diagnostics channels for fetch.
import { startTracing } from '@metalmart/contracts/telemetry';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

export const tracing = startTracing({
  serviceName: 'order-processor',
  instrumentations: [new UndiciInstrumentation()],
  hooked: [],
});
