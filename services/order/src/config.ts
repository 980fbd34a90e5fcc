import {
  boolSetting,
  ConfigError,
  DEFAULT_PORTS,
  deadLetterTopicOf,
  type Env,
  intSetting,
  mapSetting,
  ORDER_CREATED_TOPIC,
  ORDER_PROCESSOR_GROUP,
  readSettings,
  type SettingsOf,
  serviceTokenFromEnv,
  textSetting,
} from '@metalmart/contracts';
import { kafkaConnectionSetting } from '@metalmart/contracts/kafka-connection';

const LOCAL_DATABASE = 'postgres://metalmart:metalmart-local@127.0.0.1:55432/metalmart';
const kafkaTopic = textSetting('KAFKA_TOPIC', ORDER_CREATED_TOPIC, 'Topic the outbox publishes to.');

/**
 * Every variable the Order Service reads, with its default and meaning: the parser below, `.env.example`, the
 * README's table and the service's README come from it.
 */
export const ORDER_SERVICE_SETTINGS = {
  port: intSetting('PORT', DEFAULT_PORTS.orderService, [0, 65535], 'HTTP port (`0`: any free port).'),
  host: textSetting('HOST', '127.0.0.1', 'Listen address (`0.0.0.0` in containers).'),
  serviceToken: {
    docs: [
      {
        variable: 'ORDER_SERVICE_TOKEN',
        shownDefault: 'none (required)',
        meaning:
          'Shared secret of the internal API (16+ characters). `npm start` generates one per machine (`.data/service-token`); deliberately no built-in default.',
      },
    ],
    read: (env: Env) => serviceTokenFromEnv(env, 'ORDER_SERVICE_TOKEN', "the internal API's shared secret"),
  },
  databaseUrl: {
    docs: [
      { variable: 'DATABASE_URL', example: LOCAL_DATABASE, meaning: 'The PostgreSQL to use (a postgres:// URL).' },
    ],
    read(env: Env): string {
      const url = env.DATABASE_URL || LOCAL_DATABASE;
      if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('DATABASE_URL must be a postgres:// URL');
      return url;
    },
  },
  databasePoolSize: intSetting('DATABASE_POOL_SIZE', 20, [1, 500], 'PostgreSQL connections.'),
  databaseTimeoutMs: intSetting(
    'DATABASE_TIMEOUT_MS',
    3000,
    [100, 600_000],
    'Longest wait for a pooled connection or a statement; then 503 with `Retry-After` (a frozen database never hangs a request).',
  ),
  kafka: kafkaConnectionSetting,
  kafkaTopic,
  deadLetterTopic: {
    docs: [
      {
        variable: 'KAFKA_DLQ_TOPIC',
        shownDefault: '`<KAFKA_TOPIC>.dlq`',
        meaning: "The processors' dead-letter topic, which `/api/ops` lists and replays from: set it as for them.",
      },
    ],
    read: (env: Env) => deadLetterTopicOf(kafkaTopic.read(env), env),
  },
  processorGroupId: textSetting(
    'KAFKA_GROUP_ID',
    ORDER_PROCESSOR_GROUP,
    "The processors' consumer group, whose lag and members `/api/ops` shows.",
  ),
  publishWaitMs: intSetting(
    'PUBLISH_WAIT_MS',
    1000,
    [0, 60_000],
    'How long `POST /api/orders` waits for its event to reach Kafka before answering anyway (it is durable in the outbox).',
  ),
  outboxPollMs: intSetting(
    'OUTBOX_POLL_MS',
    1000,
    [10, 600_000],
    'Safety-net poll of the outbox: rows left by a crash or written by another instance (the relay is woken after each commit).',
  ),
  outboxRetentionMs: mapSetting(
    intSetting(
      'OUTBOX_RETENTION_HOURS',
      168,
      [1, 87_600],
      'Published outbox rows older than this are deleted (kept a while to look into, and for replays; unpublished ones never).',
    ),
    (hours) => hours * 3_600_000,
  ),
  orderRateLimitPerMinute: intSetting(
    'ORDER_RATE_LIMIT_PER_MINUTE',
    0,
    [0, 1_000_000],
    'Orders one client may place per minute (`POST /api/orders` only; `0`: no limit); over it, 429 with `Retry-After`. The Kubernetes and Compose manifests set 60.',
  ),
  trustProxyHops: intSetting(
    'TRUST_PROXY_HOPS',
    0,
    [0, 10],
    "Proxies in front whose `X-Forwarded-For` names the client, for the rate limit (1 behind the frontend's nginx, as in the manifests).",
  ),
  apiDocs: boolSetting(
    'API_DOCS',
    false,
    'Serve Swagger UI at `/api/docs` (`npm start`: on). `/api/openapi.json` is always served; the whole document is `/internal/openapi.json` (service token).',
  ),
  opsApi: boolSetting(
    'OPS_API',
    false,
    "Serve `/api/ops`, the ops page's data: queue state, group members' hosts, dead letters and their replay (`npm start`: on). Off in the manifests: it needs its own access control.",
  ),
};

export type OrderServiceConfig = SettingsOf<typeof ORDER_SERVICE_SETTINGS>;

/** Reads and validates the environment once at start; a bad value throws an error naming the variable. */
export function readConfig(env: Env = process.env): OrderServiceConfig {
  return readSettings(ORDER_SERVICE_SETTINGS, env);
}
