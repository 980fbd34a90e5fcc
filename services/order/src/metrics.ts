import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxBacklog } from './outbox/backlog.ts';

/**
 * The Order Service's Prometheus metrics (`/metrics` on its HTTP port): what it accepts and refuses, and how the
 * outbox keeps up. Gauges of the outbox are read from PostgreSQL at scrape time, not kept in memory.
 */
export function createOrderServiceMetrics(opts: { backlog: () => Promise<OutboxBacklog> }) {
  const registry = new Registry();
  const accepted = new Counter({
    name: 'metalmart_orders_accepted_total',
    help: 'Orders accepted (201) by POST /api/orders',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'metalmart_orders_refused_total',
    help: 'Orders refused by POST /api/orders, by HTTP status (400 invalid, 409, 413, 415, 422, 429 rate limit, 503)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  let backlog: Promise<OutboxBacklog> | undefined; // one query per scrape for both gauges
  const read = () => {
    backlog ??= opts.backlog().finally(() => setTimeout(() => (backlog = undefined), 0));
    return backlog;
  };
  new Gauge({
    name: 'metalmart_outbox_unpublished',
    help: 'Outbox events not yet on Kafka (parked ones not counted)',
    registers: [registry],
    async collect() {
      this.set((await read()).unpublished);
    },
  });
  new Gauge({
    name: 'metalmart_outbox_parked',
    help: 'Outbox events Kafka will not take as they are (too large, topic gone, not allowed): set aside, see /api/ops',
    registers: [registry],
    async collect() {
      this.set((await read()).parked);
    },
  });
  new Gauge({
    name: 'metalmart_outbox_oldest_unpublished_seconds',
    help: 'Age of the oldest outbox event not yet on Kafka (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await read()).oldestUnpublishedSeconds ?? 0);
    },
  });
  const publishLatency = new Histogram({
    name: 'metalmart_outbox_publish_latency_seconds',
    help: 'From the order commit to its event acknowledged by Kafka',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const resent = new Counter({
    name: 'metalmart_outbox_resent_total',
    help: 'Events published again after a failed attempt (each one possibly a duplicate on the topic)',
    registers: [registry],
  });
  const failedSends = new Counter({
    name: 'metalmart_outbox_failed_sends_total',
    help: 'Relay sends Kafka refused or did not acknowledge',
    registers: [registry],
  });
  return {
    registry,
    /** The answer of one POST /api/orders. */
    order(statusCode: number) {
      if (statusCode === 201) accepted.inc();
      else refused.inc({ status: String(statusCode) });
    },
    /** Events the relay got acknowledged: their commit times, and how many had failed before. */
    published(createdAt: Date[], resentCount: number) {
      const now = Date.now();
      for (const at of createdAt) publishLatency.observe(Math.max(0, (now - at.getTime()) / 1000));
      if (resentCount > 0) resent.inc(resentCount);
    },
    failedSend() {
      failedSends.inc();
    },
  };
}

export type OrderServiceMetrics = ReturnType<typeof createOrderServiceMetrics>;
