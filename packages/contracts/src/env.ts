// Reading the services' environment: parsed and validated once at start, an error names the variable.
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

/**
 * Where each part listens unless PORT / PROCESSOR_PORT / FRONTEND_PORT say otherwise; the services, the local
 * stack and the shop's proxy all read it here.
 */
export const DEFAULT_PORTS = { orderService: 8080, processor: 8081, frontend: 5173 } as const;

export function intFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** `1`/`true`/`on`/`yes` or `0`/`false`/`off`/`no` (any case); anything else names the variable. */
export function boolFromEnv(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (1/0, on/off), got "${env[name]}"`);
}

/** The internal API's shared secret. Deliberately no default: one that worked locally would work in a cluster. */
export function serviceTokenFromEnv(env: Env, name: string, role: string): string {
  const token = env[name] ?? '';
  if (token.length < 16) {
    throw new ConfigError(
      `${name} must be set to ${role} (16+ characters). ` +
        "`npm run infra` prints this machine's token (also in .data/local.env); npm start passes it itself.",
    );
  }
  return token;
}

/** Reads the config or stops the process with a message naming the bad variable (exit code 78, EX_CONFIG). */
export function configOrExit<T>(read: () => T, log: { fatal(msg: string): void }): T {
  try {
    return read();
  } catch (error) {
    log.fatal(`configuration error: ${(error as Error).message}`);
    process.exit(78);
  }
}

/**
 * Where traces go: the OTLP endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT), unless
 * OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none turns tracing off; undefined when it is off.
 */
export function tracingEndpoint(env: Env): string | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  if (boolFromEnv(env, 'OTEL_SDK_DISABLED', false)) return undefined;
  return (env.OTEL_TRACES_EXPORTER ?? '').split(',').some((e) => e.trim() === 'none') ? undefined : endpoint;
}
