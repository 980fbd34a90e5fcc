// Order Service process: read config, build the parts, listen; on SIGTERM/SIGINT close them in reverse order.
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { createKafkaEventProducer } from './kafka/producer.ts';
import { OutboxRelay } from './outbox/relay.ts';
import { migrate } from './store/migrate.ts';
import { createPool } from './store/pool.ts';
import { createPostgresOrderStore } from './store/postgres-order-store.ts';

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

const pool = createPool(config.databaseUrl, config.databasePoolSize, (error) =>
  log.warn(`PostgreSQL connection lost (${error.message}); the pool reconnects on the next query`),
);
for (let attempt = 1; ; attempt++) {
  try {
    await migrate(config.databaseUrl, (message) => log.debug(message));
    break;
  } catch (error) {
    if (attempt >= 30) throw error;
    log.warn(`cannot migrate the database yet (${(error as Error).message}); retrying`);
    await sleep(1000);
  }
}
const producer = createKafkaEventProducer(config.kafkaBrokers);
const relay = new OutboxRelay({ pool, producer, log, pollIntervalMs: config.outboxPollMs });
const store = createPostgresOrderStore(pool);
const withTimeout = <T>(promise: Promise<T>) =>
  Promise.race([promise, sleep(2000).then(() => Promise.reject(new Error('timeout')))]);
const app = await buildApp({
  store,
  topic: config.kafkaTopic,
  serviceToken: config.serviceToken,
  logger: log,
  producer: { publishOrderCreated: (event) => relay.publishSoon(event.eventId, config.publishWaitMs) },
  readiness: async () => {
    const [postgres, kafka] = await Promise.allSettled([withTimeout(store.ping()), withTimeout(producer.ping())]);
    return { postgres: postgres.status === 'fulfilled', kafka: kafka.status === 'fulfilled' };
  },
});
relay.start();
await app.listen({ port: config.port, host: config.host });

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info(`${signal} received: closing`);
  await app.close(); // stop taking requests, finish the ones in flight
  await relay.stop();
  await producer.close();
  await pool.end();
  log.info('closed');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
