// Order Service process: read config, build the service, listen; on SIGTERM/SIGINT close it.
import { configOrExit, tracingEndpoint } from '@metalmart/contracts';
import type { Tracing } from '@metalmart/contracts/telemetry';
import pino from 'pino';
import { readConfig } from './config.ts';
import type { createOrderService as CreateOrderService } from './service.ts';

const log = pino({
  name: 'order-service',
  level: process.env.LOG_LEVEL || 'info',
  redact: ['req.headers.authorization'],
});
const config = configOrExit(readConfig, log);

let tracing: Tracing | undefined;
let service: Awaited<ReturnType<typeof CreateOrderService>> | undefined;
let closing = false;
// Registered before anything is awaited: a stop while waiting for PostgreSQL exits at once.
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info(`${signal} received: closing`);
  await service?.close();
  await tracing?.shutdown();
  log.info('closed');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

// Tracing first, the service's modules after it: the SDK must patch `pg` before anything imports it.
const endpoint = tracingEndpoint(process.env);
if (endpoint) tracing = (await import('./tracing.ts')).tracing;
const { createOrderService } = await import('./service.ts');
service = await createOrderService(config, log);
const address = await service.listen();
log.info(`Node.js ${process.version}; Order Service on ${address}; tracing ${tracing ? `to ${endpoint}` : 'off'}`);
