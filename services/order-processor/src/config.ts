import { hostname } from 'node:os';
import {
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

export interface ProcessorConfig {
  /** KAFKA_BROKERS and, for a secured cluster, TLS and SASL. */
  kafka: KafkaConnection;
  /** From KAFKA_TOPIC / KAFKA_GROUP_ID exactly: mirrord's queue splitting swaps these at run time. */
  topic: string;
  groupId: string;
  deadLetterTopic: string;
  orderServiceUrl: string;
  orderServiceToken: string;
  stageDelayMs: number;
  concurrency: number;
  port: number;
  host: string;
  instance: string;
  shutdownGraceMs: number;
  sessionTimeoutMs: number;
  metadataMaxAgeMs: number;
  maxAttempts: number;
}

export function readConfig(env: Env = process.env): ProcessorConfig {
  const orderServiceToken = serviceTokenFromEnv(env, 'ORDER_SERVICE_TOKEN', "the Order Service's shared secret");
  const orderServiceUrl = env.ORDER_SERVICE_URL || `http://127.0.0.1:${DEFAULT_PORTS.orderService}`;
  if (!URL.canParse(orderServiceUrl) || !/^https?:/.test(orderServiceUrl)) {
    throw new ConfigError(`ORDER_SERVICE_URL must be an http(s) URL, got "${orderServiceUrl}"`);
  }
  const topic = env.KAFKA_TOPIC || ORDER_CREATED_TOPIC;
  const stageDelayMs = int(env, 'STAGE_DELAY_MS', 2000, 0, 600_000);
  return {
    kafka: kafkaConnectionFromEnv(env),
    topic,
    groupId: env.KAFKA_GROUP_ID || ORDER_PROCESSOR_GROUP,
    deadLetterTopic: deadLetterTopicOf(topic, env),
    orderServiceUrl: orderServiceUrl.replace(/\/$/, ''),
    orderServiceToken,
    stageDelayMs,
    concurrency: int(env, 'PROCESSOR_CONCURRENCY', 1024, 1, 10_000),
    port: int(env, 'PORT', DEFAULT_PORTS.processor, 0, 65535),
    host: env.HOST || '127.0.0.1',
    instance: env.PROCESSOR_INSTANCE || `${hostname()}-${process.pid}`,
    // Long enough for a whole workflow (three stages and their calls) to finish after SIGTERM.
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 3 * stageDelayMs + 5000, 0, 3_600_000),
    sessionTimeoutMs: int(env, 'KAFKA_SESSION_TIMEOUT_MS', 10_000, 6000, 300_000),
    // Java's default is 5 minutes; partitions added at run time should be consumed within seconds.
    metadataMaxAgeMs: int(env, 'KAFKA_METADATA_MAX_AGE_MS', 5000, 500, 3_600_000),
    maxAttempts: int(env, 'PROCESSOR_MAX_ATTEMPTS', 10, 1, 1000),
  };
}
