// Order Service process: read config, build the service, listen; on SIGTERM/SIGINT close it.
import { configOrExit } from '@metalmart/contracts';
import pino from 'pino';
import { readConfig } from './config.ts';
import { createOrderService } from './service.ts';

const log = pino({
  name: 'order-service',
  level: process.env.LOG_LEVEL || 'info',
  redact: ['req.headers.authorization'],
});
const config = configOrExit(readConfig, log);

let service: Awaited<ReturnType<typeof createOrderService>> | undefined;
let closing = false;
// Registered before anything is awaited: a stop while waiting for PostgreSQL exits at once.
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info(`${signal} received: closing`);
  await service?.close();
  log.info('closed');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

service = await createOrderService(config, log);
const address = await service.listen();
log.info(`Node.js ${process.version}; Order Service on ${address}`);
