// Order Service process: read config, build the service, listen; on SIGTERM/SIGINT close it.
import pino from 'pino';
import { readConfig } from './config.ts';
import { createOrderService } from './service.ts';

const log = pino({
  name: 'order-service',
  level: process.env.LOG_LEVEL || 'info',
  redact: ['req.headers.authorization'],
});
let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  log.fatal(`configuration error: ${(error as Error).message}`);
  process.exit(78);
}

const service = await createOrderService(config, log);
await service.listen();

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info(`${signal} received: closing`);
  await service.close();
  log.info('closed');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
