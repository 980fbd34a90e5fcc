import { hostname } from 'node:os';
import {
  ConfigError,
  DEFAULT_PORTS,
  deadLetterTopicOf,
  type Env,
  intFromEnv,
  intSetting,
  ORDER_CREATED_TOPIC,
  ORDER_PROCESSOR_GROUP,
  readSettings,
  type SettingsOf,
  serviceTokenFromEnv,
  textSetting,
} from '@metalmart/contracts';
import { kafkaConnectionSetting } from '@metalmart/contracts/kafka-connection';

const LOCAL_ORDER_SERVICE = `http://127.0.0.1:${DEFAULT_PORTS.orderService}`;
// From KAFKA_TOPIC / KAFKA_GROUP_ID exactly: mirrord's queue splitting swaps these at run time.
const topic = textSetting('KAFKA_TOPIC', ORDER_CREATED_TOPIC, 'Topic to consume (mirrord swaps it at run time).');
const stageDelayMs = intSetting(
  'STAGE_DELAY_MS',
  2000,
  [0, 600_000],
  'Wait before each stage, so that a person can watch the bar fill (`0` allowed).',
);

/**
 * Every variable the processor reads, with its default and meaning: the parser below, `.env.example`, the
 * README's table and the service's README come from it.
 */
export const PROCESSOR_SETTINGS = {
  port: intSetting(
    'PORT',
    DEFAULT_PORTS.processor,
    [0, 65535],
    'Port of the health endpoints and `/metrics` (`0`: any free port).',
  ),
  host: textSetting('HOST', '127.0.0.1', 'Listen address (`0.0.0.0` in containers).'),
  kafka: kafkaConnectionSetting,
  topic,
  groupId: textSetting('KAFKA_GROUP_ID', ORDER_PROCESSOR_GROUP, 'Consumer group (mirrord reads it).'),
  deadLetterTopic: {
    docs: [
      {
        variable: 'KAFKA_DLQ_TOPIC',
        shownDefault: '`<KAFKA_TOPIC>.dlq`',
        meaning: `Dead-letter topic of poison messages and of orders that failed PROCESSOR_MAX_ATTEMPTS times.`,
      },
    ],
    read: (env: Env) => deadLetterTopicOf(topic.read(env), env),
  },
  orderServiceUrl: {
    docs: [
      { variable: 'ORDER_SERVICE_URL', example: LOCAL_ORDER_SERVICE, meaning: "The Order Service's internal API." },
    ],
    read(env: Env): string {
      const url = env.ORDER_SERVICE_URL || LOCAL_ORDER_SERVICE;
      if (!URL.canParse(url) || !/^https?:/.test(url)) {
        throw new ConfigError(`ORDER_SERVICE_URL must be an http(s) URL, got "${url}"`);
      }
      return url.replace(/\/$/, '');
    },
  },
  orderServiceToken: {
    docs: [
      {
        variable: 'ORDER_SERVICE_TOKEN',
        shownDefault: 'none (required)',
        meaning: "The Order Service's internal API secret (the same value as the Order Service's).",
      },
    ],
    read: (env: Env) => serviceTokenFromEnv(env, 'ORDER_SERVICE_TOKEN', "the Order Service's shared secret"),
  },
  stageDelayMs,
  concurrency: intSetting(
    'PROCESSOR_CONCURRENCY',
    1024,
    [1, 10_000],
    "Orders in flight per instance: at the demo's 2 s stages an instance ships at most this ÷ 6 s (1024 → ~170/s).",
  ),
  instance: {
    docs: [
      {
        variable: 'PROCESSOR_INSTANCE',
        shownDefault: '`<hostname>-<pid>`',
        meaning: 'Name of this instance in the order history, its Kafka client id and the ops page.',
      },
    ],
    read: (env: Env) => env.PROCESSOR_INSTANCE || `${hostname()}-${process.pid}`,
  },
  shutdownGraceMs: {
    docs: [
      {
        variable: 'SHUTDOWN_GRACE_MS',
        shownDefault: '`3 × STAGE_DELAY_MS + 5000`',
        meaning:
          'How long SIGTERM waits for in-flight orders before releasing them uncommitted (default: one whole workflow).',
      },
    ],
    // Long enough for a whole workflow (three stages and their calls) to finish after SIGTERM.
    read: (env: Env) => intFromEnv(env, 'SHUTDOWN_GRACE_MS', 3 * stageDelayMs.read(env) + 5000, 0, 3_600_000),
  },
  maxAttempts: intSetting(
    'PROCESSOR_MAX_ATTEMPTS',
    10,
    [1, 1000],
    "Failed attempts (500s, timeouts; not outages) before an order's message is dead-lettered with the reason.",
  ),
  sessionTimeoutMs: intSetting(
    'KAFKA_SESSION_TIMEOUT_MS',
    10_000,
    [6000, 300_000],
    "Group session timeout: how fast a killed instance's partitions move.",
  ),
  // Java's default is 5 minutes; partitions added at run time should be consumed within seconds.
  metadataMaxAgeMs: intSetting(
    'KAFKA_METADATA_MAX_AGE_MS',
    5000,
    [500, 3_600_000],
    "How often the group's leader looks for partitions added to the topic (then the group rebalances to own them).",
  ),
};

export type ProcessorConfig = SettingsOf<typeof PROCESSOR_SETTINGS>;

/** Reads and validates the environment once at start; a bad value throws an error naming the variable. */
export function readConfig(env: Env = process.env): ProcessorConfig {
  return readSettings(PROCESSOR_SETTINGS, env);
}
