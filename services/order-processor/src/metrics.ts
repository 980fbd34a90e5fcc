import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FailureCode } from './errors.ts';
import type { Fenced } from './offset-tracker.ts';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Records after the group's committed offset (end offset − committed). */
  lag: number;
}

/** What the consumer loop and the workflow report (no-ops in unit tests). */
export interface ProcessorObserver {
  received(): void;
  completed(): void;
  retried(code: FailureCode): void;
  deadLettered(kind: 'poison' | 'exhausted'): void;
  fenced(reason: Fenced): void;
  /** A dead letter Kafka keeps refusing (+1 when it starts to count as stuck, -1 when it is written at last). */
  deadLetterStuck(delta: 1 | -1): void;
  rebalanced(): void;
  stage(status: string, seconds: number): void;
}

export const quietObserver: ProcessorObserver = {
  received() {},
  completed() {},
  retried() {},
  deadLettered() {},
  fenced() {},
  deadLetterStuck() {},
  rebalanced() {},
  stage() {},
};

/**
 * The processor's Prometheus metrics (`/metrics` on its health port). Lag is asked of Kafka at scrape time (end
 * offsets and the group's committed offsets: what kafka-consumer-groups --describe shows), for every partition
 * of the topic, whoever owns it.
 */
export function createProcessorMetrics(opts: { lag: () => Promise<PartitionLag[]>; inFlight: () => number }) {
  const registry = new Registry();
  const received = new Counter({
    name: 'metalmart_deliveries_received_total',
    help: 'Deliveries this instance started handling (not counting fenced ones)',
    registers: [registry],
  });
  const completed = new Counter({
    name: 'metalmart_orders_processed_total',
    help: 'Orders whose workflow finished (shipped, or found already done)',
    registers: [registry],
  });
  const retries = new Counter({
    name: 'metalmart_order_retries_total',
    help: 'Order attempts retried, by failure code (UNAVAILABLE is never counted toward the bound, FAILED is)',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'metalmart_dead_lettered_total',
    help: 'Messages sent to the dead-letter topic: poison at once, or parked after PROCESSOR_MAX_ATTEMPTS',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const fenced = new Counter({
    name: 'metalmart_deliveries_fenced_total',
    help: 'Deliveries not handled: partition not ours, fetched before our ownership, or already handled here',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const stuckLetters = new Gauge({
    name: 'metalmart_dead_letters_stuck',
    help: "Dead letters Kafka refused DEAD_LETTER_STUCK_AFTER times or more (topic missing, not allowed): each holds its partition's commits",
    registers: [registry],
  });
  const rebalances = new Counter({
    name: 'metalmart_rebalances_total',
    help: 'Consumer-group (re)joins of this instance',
    registers: [registry],
  });
  const stages = new Histogram({
    name: 'metalmart_stage_duration_seconds',
    help: 'One workflow stage: its delay and the guarded transition, by the status it moves to',
    labelNames: ['status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'metalmart_orders_in_flight',
    help: 'Orders this instance is handling now',
    registers: [registry],
    collect() {
      this.set(opts.inFlight());
    },
  });
  new Gauge({
    name: 'metalmart_consumer_lag',
    help: 'Records of the topic not yet committed by the group, per partition',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of await opts.lag().catch(() => [])) this.set({ topic: p.topic, partition: p.partition }, p.lag);
    },
  });
  const observer: ProcessorObserver = {
    received: () => received.inc(),
    completed: () => completed.inc(),
    retried: (code) => retries.inc({ code }),
    deadLettered: (kind) => deadLettered.inc({ kind }),
    fenced: (reason) => fenced.inc({ reason }),
    deadLetterStuck: (delta) => stuckLetters.inc(delta),
    rebalanced: () => rebalances.inc(),
    stage: (status, seconds) => stages.observe({ status }, seconds),
  };
  const total = async (counter: Counter) => (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
  /** The counters as /status shows them: the metrics are the one count. */
  async function totals() {
    return {
      received: await total(received),
      completed: await total(completed),
      retries: await total(retries),
      deadLettered: await total(deadLettered),
      fenced: await total(fenced),
      deadLettersStuck: (await stuckLetters.get()).values[0]?.value ?? 0,
      rebalances: await total(rebalances),
    };
  }
  return { registry, observer, totals };
}
