/**
 * The one backoff of the project: exponential from `baseMs`, capped at `maxMs`, with ±20 % jitter so that
 * many retriers (orders, instances) do not hit a recovering service in lock-step. `attempt` counts from 1.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, { baseMs, maxMs }: Backoff, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** Backoffs used across the services, named for what waits. */
export const BACKOFFS = {
  /** The outbox relay while Kafka refuses its sends. */
  relay: { baseMs: 200, maxMs: 10_000 },
  /** The processor re-subscribing after the broker went away. */
  resubscribe: { baseMs: 500, maxMs: 10_000 },
  /** The processor rejoining its group after a rejoin failed (the coordinator away) or heartbeats stalled. */
  rejoin: { baseMs: 500, maxMs: 10_000 },
  /** One order's handling after a transient failure (the Order Service busy or away). */
  order: { baseMs: 500, maxMs: 15_000 },
  /** A dead-letter publish that Kafka refused. */
  deadLetter: { baseMs: 200, maxMs: 10_000 },
  /** The topics step asking again while a cluster's brokers settle (just started, a controller moving). */
  topics: { baseMs: 500, maxMs: 5000 },
  /** `npm start` restarting a service that died. */
  restart: { baseMs: 1000, maxMs: 10_000 },
} as const satisfies Record<string, Backoff>;
