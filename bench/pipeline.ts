// The pipeline's phases of `npm run bench`: each builds its own database, topic and Order Service on the same
// servers, so one phase's backlog never leaks into the next.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TARGET_STATUSES } from '@metalmart/contracts';
import autocannon from 'autocannon';
import pg from 'pg';
import type { Infra } from '../dev/src/runner/stack.ts';
import { createDatabaseIfMissing } from '../dev/src/servers/postgres.ts';
import { ensureTopics } from '../dev/src/servers/topics.ts';
import { migrate } from '../services/order/src/store/migrate.ts';
import { readConfig as processorDefaults } from '../services/order-processor/src/config.ts';
import { orderRequest } from '../tests/support/orders.ts';
import { type ServiceProcess, startOrderService, startProcessor } from '../tests/support/processes.ts';
import { POD_NODE_OPTIONS } from './pod.ts';
import { type ProcessUse, sampleResources } from './resources.ts';

export const DEFAULTS = processorDefaults({ ORDER_SERVICE_TOKEN: 'x'.repeat(16) });

export interface Pipeline {
  databaseUrl: string;
  topic: string;
  orderService: ServiceProcess;
  processors: ServiceProcess[];
  db: pg.Pool;
  /** Starts `count` processors in one new group and resolves when all have joined. */
  addProcessors(count: number, settings?: { stageDelayMs: number; concurrency: number }): Promise<void>;
  /** RSS/CPU of the services and servers from now until stop(). */
  watch(): { stop(): ProcessUse[] };
  close(): Promise<void>;
}

export async function newDatabase(infra: Infra, name: string): Promise<string> {
  if (!infra.adminDatabaseUrl) throw new Error('the benchmark needs the local PostgreSQL (unset DATABASE_URL)');
  await createDatabaseIfMissing(infra.adminDatabaseUrl, name);
  const url = infra.databaseUrl.replace(/\/[^/]+$/, `/${name}`);
  await migrate(url);
  return url;
}

/** `serviceEnv`: the services' extra variables (default: a pod's NODE_OPTIONS). */
export async function startPipeline(
  infra: Infra,
  servers: Map<string, number>,
  serviceEnv: Record<string, string> = { NODE_OPTIONS: POD_NODE_OPTIONS },
): Promise<Pipeline> {
  const suffix = randomBytes(3).toString('hex');
  const databaseUrl = await newDatabase(infra, `metalmart_bench_${suffix}`);
  const topic = `bench-${suffix}`;
  await ensureTopics(infra.kafka, { topic, partitions: 6 });
  const orderService = await startOrderService({
    databaseUrl,
    kafkaBrokers: infra.kafkaBrokers,
    topic,
    env: serviceEnv,
  });
  const processors: ServiceProcess[] = [];
  const groupId = `bench-${suffix}`;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return {
    databaseUrl,
    topic,
    orderService,
    processors,
    db,
    async addProcessors(count, settings = { stageDelayMs: 0, concurrency: DEFAULTS.concurrency }) {
      const started = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          startProcessor({
            kafkaBrokers: infra.kafkaBrokers,
            topic,
            groupId,
            orderServiceUrl: orderService.url,
            instance: `bench-${processors.length + i + 1}`,
            stageDelayMs: settings.stageDelayMs,
            concurrency: settings.concurrency,
            env: serviceEnv,
          }),
        ),
      );
      processors.push(...started);
    },
    watch() {
      const pids = new Map(servers);
      pids.set('Order Service', orderService.child.pid as number);
      for (const [i, p] of processors.entries()) pids.set(`processor ${i + 1}`, p.child.pid as number);
      return sampleResources(pids);
    },
    async close() {
      await Promise.all(processors.map((p) => p.stop()));
      await orderService.stop();
      await db.end();
    },
  };
}

const body = JSON.stringify(orderRequest());

/** POST /api/orders at `connections` for `seconds` (after a warm-up that is not counted). */
export async function loadOrders(
  url: string,
  options: { connections: number; seconds?: number; amount?: number; rate?: number },
) {
  const run = await autocannon({
    url: `${url}/api/orders`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 10 }),
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  return {
    perSecond: run.requests.average,
    p50: run.latency.p50,
    p99: run.latency.p99,
    non2xx: run.non2xx,
    errors: run.errors,
  };
}

export async function count(db: pg.Pool, where: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) FROM orders WHERE ${where}`)).rows[0].count);
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Commit → on the topic, per outbox row: created_at (in the order's transaction) to published_at (after the ack). */
export async function publishLatency(db: pg.Pool): Promise<{ p50: number; p99: number }> {
  const { rows } = await db.query<{ p50: number; p99: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
       FROM (SELECT extract(epoch FROM published_at - created_at) * 1000 AS ms FROM outbox WHERE published_at IS NOT NULL) t`,
  );
  return { p50: Number(rows[0]?.p50 ?? 0), p99: Number(rows[0]?.p99 ?? 0) };
}

export interface StatementCost {
  statement: string;
  perOrder: number;
  msPerCall: number;
  share: number;
}

/** pg_stat_statements since the last reset, in this database: what each order costs PostgreSQL, by statement. */
export async function statementsPerOrder(db: pg.Pool, orders: number): Promise<StatementCost[]> {
  const { rows } = await db.query<{ query: string; calls: string; total: number }>(
    `SELECT s.query, s.calls, s.total_exec_time AS total FROM pg_stat_statements s
       JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() ORDER BY s.total_exec_time DESC`,
  );
  const all = rows.reduce((sum, r) => sum + r.total, 0) || 1;
  return rows.slice(0, 8).map((r) => ({
    statement: r.query.replace(/\s+/g, ' ').trim().slice(0, 90),
    perOrder: Math.round((Number(r.calls) / orders) * 100) / 100,
    msPerCall: Math.round((r.total / Number(r.calls)) * 100) / 100,
    share: Math.round((r.total / all) * 100),
  }));
}

export async function resetStatements(db: pg.Pool): Promise<void> {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset()');
}

/** The stages an order waits through (processing, confirmed, shipped), STAGE_DELAY_MS each. */
const STAGES = TARGET_STATUSES.length;

/**
 * Shipped orders a second in steady state, from half a cycle after the first order shipped. Orders that start
 * together ship together (every cycle of 3 stages a wave of up to the concurrency), so the window holds `cycles`
 * whole cycles.
 */
export async function steadyShipRate(db: pg.Pool, stageDelayMs: number, cycles: number): Promise<number> {
  const cycleMs = STAGES * stageDelayMs;
  let first: Date | undefined;
  await waitFor(
    'the first order shipped',
    async () => {
      const { rows } = await db.query<{ at: Date | null }>(
        "SELECT min(at) AS at FROM order_status_history WHERE status = 'shipped'",
      );
      first = rows[0]?.at ?? undefined;
      return first !== undefined;
    },
    180_000,
  );
  // Half a cycle after the first wave: every instance (they join one by one, each join a rebalance) has shipped
  // its first wave by then.
  const from = (first as Date).getTime() + cycleMs / 2;
  const to = from + cycles * cycleMs;
  await sleep(Math.max(0, to - Date.now()) + 500);
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM order_status_history WHERE status = 'shipped' AND at >= $1 AND at < $2",
    [new Date(from), new Date(to)],
  );
  return Number(rows[0]?.n ?? 0) / ((to - from) / 1000);
}

/** The stages' own limit: each instance holds `concurrency` orders for 3 × STAGE_DELAY_MS. */
export function stageCeiling(instances: number, concurrency: number, stageDelayMs: number): number {
  return (instances * concurrency) / ((STAGES * stageDelayMs) / 1000);
}
