// Starts OpenTelemetry tracing in a service process: the Node SDK configured by the standard OTEL_* variables
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL = http/protobuf | http/json | grpc, OTEL_SERVICE_NAME,
// OTEL_TRACES_SAMPLER, …). Imported only when tracing is on (see tracingEndpoint), before the service's own
// modules, so a process without an endpoint never loads the SDK.

import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { register, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

export interface Tracing {
  /** Exports the spans still buffered; call after the service has closed. */
  shutdown(): Promise<void>;
}

/**
 * `hooked`: the packages the instrumentations patch that the service imports as ES modules (`pg`): Node loads
 * those through its ESM loader, which only import-in-the-middle's hooks can intercept; `require`d ones and
 * diagnostics-channel instrumentations (http, undici) need nothing.
 */
export function startTracing(options: {
  serviceName: string;
  instrumentations: NodeSDKConfiguration['instrumentations'];
  hooked: string[];
}): Tracing {
  if (options.hooked.length > 0) {
    if (!supportsSyncHooks())
      throw new Error(`tracing needs Node.js ≥ 24.11.1 (module hooks); this is ${process.version}`);
    register({ include: options.hooked });
  }
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || options.serviceName,
    instrumentations: options.instrumentations,
    // Traces only: metrics are Prometheus at /metrics, logs go to stdout (with the trace id).
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
