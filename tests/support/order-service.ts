import { readConfig } from '@metalmart/order-service/config';
import { createOrderService } from '@metalmart/order-service/service';
import pino from 'pino';
import { kafkaBrokers } from './infra.ts';
import { testToken } from './processes.ts';

/** The real Order Service in-process (real PostgreSQL, real Kafka), driven with `app.inject`. */
export async function buildOrderService(
  databaseUrl: string,
  topic: string,
  brokers = kafkaBrokers(),
  env: Record<string, string> = {},
) {
  const config = readConfig({
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: topic,
    ORDER_SERVICE_TOKEN: testToken,
    OUTBOX_POLL_MS: '200',
    DATABASE_POOL_SIZE: '10',
    ...env,
  });
  return createOrderService(config, pino({ level: process.env.TEST_SERVICE_LOGS ? 'info' : 'silent' }));
}

export const serviceAuth = { authorization: `Bearer ${testToken}` };
