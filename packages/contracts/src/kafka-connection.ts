// How every Kafka client of the project reaches the cluster: the bootstrap list, TLS and SASL, read once from
// the environment. Spread into any @platformatic/kafka client's options (Producer, Consumer, Admin).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { connectionsConnectsChannel } from '@platformatic/kafka';
import { ConfigError, type Env } from './env.ts';
import type { Setting, VariableDoc } from './settings.ts';

const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
/** Every variable of the connection with its default and meaning (the services' config docs take them from here). */
const KAFKA_CONNECTION_DOCS: VariableDoc[] = [
  {
    variable: 'KAFKA_BROKERS',
    example: DEFAULT_KAFKA_BROKERS,
    meaning: 'The Kafka cluster: a comma-separated `host:port` list (any one reachable address finds the rest).',
  },
  {
    variable: 'KAFKA_SECURITY_PROTOCOL',
    example: 'PLAINTEXT',
    meaning: "`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`, as Kafka's own clients name it.",
  },
  {
    variable: 'KAFKA_SSL_CA_FILE',
    shownDefault: 'system trust store',
    meaning: "PEM file of the CA(s) that signed the brokers' certificates (with `SSL` / `SASL_SSL`).",
  },
  {
    variable: 'KAFKA_SSL_CERT_FILE',
    shownDefault: 'none',
    meaning: 'A client certificate (PEM) for a cluster that asks for one (mutual TLS), with its key:',
  },
  { variable: 'KAFKA_SSL_KEY_FILE', shownDefault: 'none', meaning: "the client certificate's key (PEM)." },
  {
    variable: 'KAFKA_SASL_MECHANISM',
    shownDefault: 'none',
    meaning: '`PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512` (required with `SASL_*`).',
  },
  { variable: 'KAFKA_SASL_USERNAME', shownDefault: 'none', meaning: 'SASL user (required with `SASL_*`).' },
  {
    variable: 'KAFKA_SASL_PASSWORD',
    shownDefault: 'none',
    meaning: 'SASL password (required with `SASL_*`); a refused one is logged once, and the service keeps running.',
  },
];
/** The variables of a secured connection, besides KAFKA_BROKERS. */
export const KAFKA_CONNECTION_VARIABLES = KAFKA_CONNECTION_DOCS.map((d) => d.variable).filter(
  (name) => name !== 'KAFKA_BROKERS',
);
const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** Names as Kafka's own clients spell them (`security.protocol`), so a managed service's settings carry over. */
export interface KafkaConnection {
  bootstrapBrokers: string[];
  securityProtocol: SecurityProtocol;
  tls?: TlsOptions;
  /** SNI for TLS (managed services route by it); off for IP addresses, which SNI does not allow. */
  tlsServerName?: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

/** `host:port[,host:port…]`, split and trimmed; `name` is the variable the list came from, for the error. */
export function parseBrokerList(raw: string, name = 'KAFKA_BROKERS'): string[] {
  const list = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (list.length === 0 || list.some((b) => !/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(b))) {
    throw new ConfigError(`${name} must be host:port[,host:port…], got "${raw}"`);
  }
  return list;
}

export function brokersFromEnv(env: Env, name = 'KAFKA_BROKERS', fallback = DEFAULT_KAFKA_BROKERS): string[] {
  return parseBrokerList(env[name] || fallback, name);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = allowed.find((a) => a === raw.toUpperCase());
  if (!value) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return value;
}

function pemFile(env: Env, name: string): string | undefined {
  const path = env[name]?.trim();
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${name} names a file that cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
}

/**
 * KAFKA_BROKERS, KAFKA_SECURITY_PROTOCOL (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), KAFKA_SSL_CA_FILE (PEM; unset:
 * the system's trust store), KAFKA_SSL_CERT_FILE + KAFKA_SSL_KEY_FILE (a client certificate, when the cluster asks
 * for one), KAFKA_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD.
 */
export function kafkaConnectionFromEnv(env: Env, fallbackBrokers = DEFAULT_KAFKA_BROKERS): KafkaConnection {
  const bootstrapBrokers = brokersFromEnv(env, 'KAFKA_BROKERS', fallbackBrokers);
  const securityProtocol = oneOf(env, 'KAFKA_SECURITY_PROTOCOL', SECURITY_PROTOCOLS, 'PLAINTEXT') as SecurityProtocol;
  const connection: KafkaConnection = { bootstrapBrokers, securityProtocol };
  const tlsNames = KAFKA_CONNECTION_VARIABLES.filter((name) => name.startsWith('KAFKA_SSL_'));
  const saslNames = KAFKA_CONNECTION_VARIABLES.filter((name) => name.startsWith('KAFKA_SASL_'));
  const usesTls = securityProtocol.endsWith('SSL');
  const usesSasl = securityProtocol.startsWith('SASL');
  // A setting that would be ignored is a mistake worth stopping for (a certificate on a plaintext connection).
  for (const name of [...(usesTls ? [] : tlsNames), ...(usesSasl ? [] : saslNames)]) {
    if (env[name]) throw new ConfigError(`${name} is set but KAFKA_SECURITY_PROTOCOL is ${securityProtocol}`);
  }
  if (usesTls) {
    const cert = pemFile(env, 'KAFKA_SSL_CERT_FILE');
    const key = pemFile(env, 'KAFKA_SSL_KEY_FILE');
    if (Boolean(cert) !== Boolean(key)) {
      throw new ConfigError(
        'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (a client certificate and its key)',
      );
    }
    const ca = pemFile(env, 'KAFKA_SSL_CA_FILE');
    connection.tls = { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
    connection.tlsServerName = bootstrapBrokers.every(
      (b) => isIP(b.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')) === 0,
    );
  }
  if (usesSasl) {
    const mechanism = oneOf(env, 'KAFKA_SASL_MECHANISM', SASL_MECHANISMS);
    const username = env.KAFKA_SASL_USERNAME ?? '';
    const password = env.KAFKA_SASL_PASSWORD ?? '';
    if (!mechanism) throw new ConfigError(`KAFKA_SASL_MECHANISM must be set for ${securityProtocol}`);
    if (!username || !password) {
      throw new ConfigError(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set for ${securityProtocol}`);
    }
    connection.sasl = { mechanism, username, password };
  }
  return connection;
}

/** The connection as a setting of a service's schema: read by kafkaConnectionFromEnv, its variables documented. */
export const kafkaConnectionSetting: Setting<KafkaConnection> = {
  docs: KAFKA_CONNECTION_DOCS,
  read: (env) => kafkaConnectionFromEnv(env),
};

/** A cluster reached without TLS or SASL (the local stack's, a test's own). */
export function plaintextConnection(brokers: string[] | string): KafkaConnection {
  const bootstrapBrokers = typeof brokers === 'string' ? parseBrokerList(brokers) : brokers;
  return { bootstrapBrokers, securityProtocol: 'PLAINTEXT' };
}

/** Options for a @platformatic/kafka client: spread them into its constructor's options. */
export function clientOptions(connection: KafkaConnection) {
  const { bootstrapBrokers, tls, tlsServerName, sasl } = connection;
  return { bootstrapBrokers, ...(tls ? { tls, tlsServerName } : {}), ...(sasl ? { sasl } : {}) };
}

/**
 * Why a client could not talk to the cluster, in one line naming the variable to fix — or undefined when the
 * error is not about the connection's settings (a broker down is an outage, retried, not a setting).
 */
export function connectionSettingProblem(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (e: unknown): string | undefined => {
    if (!e || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const err = e as { code?: string; message?: string; errors?: unknown[]; cause?: unknown };
    if (
      err.code === 'PLT_KFK_AUTHENTICATION' ||
      /SASL_AUTHENTICATION_FAILED|Authentication failed/i.test(err.message ?? '')
    ) {
      return 'Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM';
    }
    if (/UNSUPPORTED_SASL_MECHANISM/.test(err.message ?? '')) {
      return 'Kafka does not offer KAFKA_SASL_MECHANISM on this listener: check KAFKA_SASL_MECHANISM';
    }
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(err.code ?? '')) {
      return `Kafka's TLS certificate was not trusted (${err.code}): check KAFKA_SSL_CA_FILE and KAFKA_BROKERS' host names`;
    }
    return [...(err.errors ?? []), err.cause].map(walk).find(Boolean);
  };
  return walk(error);
}

/**
 * Logs a connection-setting problem (a refused password, an untrusted certificate) in one line naming the variable,
 * once until a connection succeeds again. Supplied because @platformatic/kafka 2.12.1 wraps a refused SASL login in
 * a retriable NetworkError (the AuthenticationError is only its `cause`, which its retry logic does not read): its
 * clients retry silently, a consumer's group join for ever. Every failed connection is published on the library's
 * diagnostics channel, so this sees all of a process's clients. Returns the unsubscribe function.
 */
export function reportConnectionSettingProblems(log: (line: string) => void): () => void {
  let reported: string | undefined;
  const onEnd = (message: unknown) => {
    const error = (message as { error?: unknown }).error;
    if (!error) {
      reported = undefined; // a connection succeeded: say it again if it breaks again
      return;
    }
    const problem = connectionSettingProblem(error);
    if (problem && problem !== reported) log(problem);
    if (problem) reported = problem;
  };
  connectionsConnectsChannel.asyncEnd.subscribe(onEnd);
  return () => connectionsConnectsChannel.asyncEnd.unsubscribe(onEnd);
}
