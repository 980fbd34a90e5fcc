import {
  boolFromEnv as bool,
  ConfigError,
  DEFAULT_PORTS,
  deadLetterTopicOf,
  type Env,
  intFromEnv as int,
  ORDER_CREATED_TOPIC,
  ORDER_PROCESSOR_GROUP,
  serviceTokenFromEnv,
} from '@metalmart/contracts';
import { type KafkaConnection, kafkaConnectionFromEnv } from '@metalmart/contracts/kafka-connection';

export interface OrderServiceConfig {
  port: number;
  host: string;
  databaseUrl: string;
  databasePoolSize: number;
  /** The longest a request waits for a pooled connection or a statement's answer before it gets a 503. */
  databaseTimeoutMs: number;
  /** KAFKA_BROKERS and, for a secured cluster, TLS and SASL. */
  kafka: KafkaConnection;
  kafkaTopic: string;
  /** KAFKA_DLQ_TOPIC (default `<KAFKA_TOPIC>.dlq`): where the processors put what they cannot handle. */
  deadLetterTopic: string;
  serviceToken: string;
  /** How long POST /api/orders waits for its event to reach Kafka before answering anyway (it is in the outbox). */
  publishWaitMs: number;
  /** Safety-net poll of the outbox (rows left by a crash or written by another instance). */
  outboxPollMs: number;
  /** Orders a client may place per minute (0: no limit). */
  orderRateLimitPerMinute: number;
  /** Proxies in front of the service whose X-Forwarded-For is trusted (the client IP for rate limiting). */
  trustProxyHops: number;
  /** Serve Swagger UI at /api/docs. */
  apiDocs: boolean;
  /** Serve /api/ops (the shop's live pipeline page: queue state, dead letters and their replay). */
  opsApi: boolean;
  /** The processors' consumer group, whose lag and members /api/ops shows. */
  processorGroupId: string;
  /** Published outbox rows are deleted after this long (kept a while to look into, and for replays). */
  outboxRetentionMs: number;
}

/** Reads and validates the environment once at start; a bad value throws an error naming the variable. */
export function readConfig(env: Env = process.env): OrderServiceConfig {
  const serviceToken = serviceTokenFromEnv(env, 'ORDER_SERVICE_TOKEN', "the internal API's shared secret");
  const databaseUrl = env.DATABASE_URL || 'postgres://metalmart:metalmart-local@127.0.0.1:55432/metalmart';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  const kafkaTopic = env.KAFKA_TOPIC || ORDER_CREATED_TOPIC;
  return {
    port: int(env, 'PORT', DEFAULT_PORTS.orderService, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
    databaseTimeoutMs: int(env, 'DATABASE_TIMEOUT_MS', 3000, 100, 600_000),
    kafka: kafkaConnectionFromEnv(env),
    kafkaTopic,
    deadLetterTopic: deadLetterTopicOf(kafkaTopic, env),
    serviceToken,
    publishWaitMs: int(env, 'PUBLISH_WAIT_MS', 1000, 0, 60_000),
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 1000, 10, 600_000),
    outboxRetentionMs: int(env, 'OUTBOX_RETENTION_HOURS', 168, 1, 87_600) * 3_600_000,
    orderRateLimitPerMinute: int(env, 'ORDER_RATE_LIMIT_PER_MINUTE', 0, 0, 1_000_000),
    trustProxyHops: int(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    apiDocs: bool(env, 'API_DOCS', false),
    opsApi: bool(env, 'OPS_API', false),
    processorGroupId: env.KAFKA_GROUP_ID || ORDER_PROCESSOR_GROUP,
  };
}
