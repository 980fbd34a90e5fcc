// Order Processor process: read config, build the parts, start; on SIGTERM/SIGINT close them.

import { configOrExit, tracingEndpoint } from '@metalmart/contracts';
import type { Tracing } from '@metalmart/contracts/telemetry';
import pino from 'pino';
import { readConfig } from './config.ts';
import type { createProcessor as CreateProcessor } from './processor.ts';

const log = pino({ name: 'order-processor', level: process.env.LOG_LEVEL || 'info' });
const config = configOrExit(readConfig, log);

let tracing: Tracing | undefined;
let processor: Awaited<ReturnType<typeof CreateProcessor>> | undefined;
let closing = false;
// Registered before anything is awaited: a stop during start-up exits at once (nothing is in flight yet).
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info(`${signal} received: finishing in-flight orders and leaving the group`);
  await processor?.close();
  await tracing?.shutdown();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

// Tracing first (only when an OTLP endpoint is set: otherwise the SDK is never loaded), then the processor.
if (tracingEndpoint(process.env)) tracing = (await import('./tracing.ts')).tracing;
const { createProcessor } = await import('./processor.ts');
processor = await createProcessor(config, log);
const address = await processor.start();
log.info(
  `Node.js ${process.version}; health endpoints on ${address}; consuming ${config.topic} as group ${config.groupId}; tracing ${tracing ? 'on' : 'off'}`,
);
