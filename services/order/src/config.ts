import { ORDER_CREATED_TOPIC } from '@metalmart/contracts';

export interface OrderServiceConfig {
  port: number;
  host: string;
  databaseUrl: string;
  databasePoolSize: number;
  kafkaBrokers: string[];
  kafkaTopic: string;
  serviceToken: string;
  /** How long POST /api/orders waits for its event to reach Kafka before answering anyway (it is in the outbox). */
  publishWaitMs: number;
  /** Safety-net poll of the outbox (rows left by a crash or written by another instance). */
  outboxPollMs: number;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

class ConfigError extends Error {}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseBrokers(name: string, raw: string): string[] {
  const brokers = raw.split(',').map((b) => b.trim());
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw new ConfigError(`${name} must be host:port[,host:port…], got "${raw}"`);
  }
  return brokers;
}

/** Reads and validates the environment once at start; a bad value throws an error naming the variable. */
export function readConfig(env: Env = process.env): OrderServiceConfig {
  const serviceToken = env.ORDER_SERVICE_TOKEN ?? '';
  if (serviceToken.length < 16) {
    throw new ConfigError(
      "ORDER_SERVICE_TOKEN must be set to the internal API's shared secret (16+ characters). " +
        "`npm run infra` prints this machine's token (also in .data/local.env); npm start passes it itself.",
    );
  }
  const databaseUrl = env.DATABASE_URL || 'postgres://metalmart:metalmart-local@127.0.0.1:55432/metalmart';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
    kafkaBrokers: parseBrokers('KAFKA_BROKERS', env.KAFKA_BROKERS || '127.0.0.1:9092'),
    kafkaTopic: env.KAFKA_TOPIC || ORDER_CREATED_TOPIC,
    serviceToken,
    publishWaitMs: int(env, 'PUBLISH_WAIT_MS', 1000, 0, 60_000),
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 1000, 10, 600_000),
    logLevel: env.LOG_LEVEL || 'info',
  };
}
