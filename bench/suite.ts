// `npm run bench`: the raw limits of this machine's PostgreSQL and Kafka, then the pipeline on the same servers,
// with ratios to the raw limits. Prints figures and writes docs/benchmarks/ (JSON, SVG, README table); asserts
// nothing: speed is measured here, never in a test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInfra } from '../dev/src/runner/stack.ts';
import { ensureTopics } from '../dev/src/servers/topics.ts';
import { readStackSettings } from '../dev/src/settings.ts';
import { orderCreatedEvent } from '../tests/support/orders.ts';
import {
  count,
  DEFAULTS,
  loadOrders,
  newDatabase,
  type Pipeline,
  publishLatency,
  resetStatements,
  type StatementCost,
  stageCeiling,
  startPipeline,
  statementsPerOrder,
  steadyShipRate,
  waitFor,
} from './pipeline.ts';
import {
  fillTransitionQueue,
  kafkaConsume,
  kafkaProduce,
  orderInsertScript,
  pgbench,
  transitionScript,
} from './raw.ts';
import { type BenchRun, writeReport } from './report.ts';
import type { ProcessUse } from './resources.ts';

const seconds = Number(process.env.BENCH_SECONDS || 20);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS || 5);
const backlog = Number(process.env.BENCH_BACKLOG || 10000);
const settings = readStackSettings();
/** Instances of the scaling curve, each holding SCALING_CONCURRENCY orders (a ceiling of 64 ÷ 6 s ≈ 10.7/s each). */
const SCALING_INSTANCES = [1, 2, 3, 6];
const SCALING_CONCURRENCY = 64;
/** Enough queued orders for 6 instances to stay busy from joining to the window's end (~45 s at 64/s). */
const SCALING_BACKLOG = 4000;
/** Whole stage cycles (3 × STAGE_DELAY_MS) in a steady-state window. */
const CYCLES = 4;
const PHASES = 10 + SCALING_INSTANCES.length;
let phase = 0;
const began = Date.now();
/** The progress line: which phase, how long the suite has run. */
function step(title: string) {
  phase += 1;
  console.log(`[${phase}/${PHASES}] ${title} … (${Math.round((Date.now() - began) / 1000)} s so far)`);
}

const infra = await startInfra(settings);
const postmaster = Number(
  readFileSync(join(settings.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0] || Number.NaN,
);
const servers = new Map<string, number>([['PostgreSQL', postmaster]]);
for (const node of infra.servers.kafka?.nodes ?? []) {
  if (node.pid) servers.set(infra.servers.kafka?.nodes.length === 1 ? 'Kafka' : `Kafka node ${node.id}`, node.pid);
}
const run: BenchRun = {
  seconds,
  warmup,
  backlog,
  figures: {},
  resources: {},
  statements: {},
  limits: {
    stageDelayMs: DEFAULTS.stageDelayMs,
    demoCeiling: stageCeiling(1, DEFAULTS.concurrency, DEFAULTS.stageDelayMs),
    scalingConcurrency: SCALING_CONCURRENCY,
    scalingCeilingPerInstance: stageCeiling(1, SCALING_CONCURRENCY, DEFAULTS.stageDelayMs),
    scalingInstances: SCALING_INSTANCES,
  },
};
const figure = (key: string, value: number, unit: string) => {
  run.figures[key] = { value: Math.round(value * 10) / 10, unit };
  console.log(`      ${key}: ${run.figures[key]?.value} ${unit}`);
};
const statements = (key: string, costs: StatementCost[]) => {
  run.statements[key] = costs;
  for (const c of costs) console.log(`      ${c.perOrder}/order ${c.msPerCall} ms ${c.share} %  ${c.statement}`);
};
const resources = (key: string, use: ProcessUse[]) => {
  run.resources[key] = use;
  console.log(`      ${use.map((u) => `${u.name} ${u.rssMaxMb} MB ${u.cpuPercent} %`).join(' · ')}`);
};

// (a) The raw limits.
const rawDb = await newDatabase(infra, `metalmart_bench_raw_${Date.now()}`);
const sampleEvent = JSON.stringify(orderCreatedEvent());
step(`pgbench: the order + outbox insert statement, 16 clients, ${seconds} s`);
const insert = pgbench(
  rawDb,
  orderInsertScript({ event: sampleEvent, headers: '{}', topic: 'order.created' }),
  16,
  seconds,
);
figure('pgbench order+outbox insert', insert.tps, 'tx/s');
step(`pgbench: the guarded transition statement, 16 clients, ${seconds} s`);
await fillTransitionQueue(rawDb);
figure('pgbench guarded transition', pgbench(rawDb, transitionScript(), 16, seconds).tps, 'tx/s');
step(`Kafka: produce (idempotent, acks=all) ${sampleEvent.length} B records, ${seconds} s`);
const rawTopic = `bench-raw-${Date.now()}`;
await ensureTopics(infra.kafka, { topic: rawTopic, partitions: 6 });
const produced = await kafkaProduce(infra.kafka, rawTopic, sampleEvent, seconds);
figure('Kafka produce', produced.perSecond, 'msg/s');
step(`Kafka: consume those ${produced.count} records`);
figure('Kafka consume', (await kafkaConsume(infra.kafka, rawTopic, produced.count)).perSecond, 'msg/s');

// (b) The pipeline: accepting while one processor (delay 0) works the queue.
let pipeline: Pipeline = await startPipeline(infra, servers);
await pipeline.addProcessors(1);
for (const connections of [32, 128]) {
  step(`POST /api/orders at ${connections} connections, processor at delay 0 (${warmup} s warm-up + ${seconds} s)`);
  await loadOrders(pipeline.orderService.url, { connections, seconds: warmup });
  await resetStatements(pipeline.db);
  const before = await count(pipeline.db, 'true');
  const watch = pipeline.watch();
  const load = await loadOrders(pipeline.orderService.url, { connections, seconds });
  resources(`accept-${connections}`, watch.stop());
  figure(`accepted at ${connections} connections`, load.perSecond, 'req/s');
  figure(`p50 at ${connections} connections`, load.p50, 'ms');
  figure(`p99 at ${connections} connections`, load.p99, 'ms');
  if (load.non2xx + load.errors > 0) console.log(`      (${load.non2xx} non-2xx, ${load.errors} errors)`);
  if (connections === 128)
    statements('accepting', await statementsPerOrder(pipeline.db, (await count(pipeline.db, 'true')) - before));
}
await pipeline.close();

// Fully processed orders/s: a backlog first, then the processors start on it.
for (const instances of [1, 2]) {
  step(`${backlog} queued orders to shipped, ${instances} instance(s) at delay 0`);
  pipeline = await startPipeline(infra, servers);
  await loadOrders(pipeline.orderService.url, { connections: 32, amount: backlog });
  await resetStatements(pipeline.db);
  const joining = pipeline.addProcessors(instances);
  // From the first order shipped to the last: the processing rate, not the time the instances take to join.
  let first = { at: 0, shipped: 0 };
  await waitFor(
    'the first order shipped',
    async () => {
      const shipped = await count(pipeline.db, "status = 'shipped'");
      first = { at: Date.now(), shipped };
      return shipped > 0;
    },
    120_000,
  );
  await joining;
  const watch = pipeline.watch();
  await waitFor('the backlog shipped', async () => (await count(pipeline.db, "status <> 'shipped'")) === 0, 600_000);
  resources(`process-${instances}`, watch.stop());
  figure(
    `processed with ${instances} instance(s)`,
    (backlog - first.shipped) / ((Date.now() - first.at) / 1000),
    'orders/s',
  );
  if (instances === 1) statements('processing', await statementsPerOrder(pipeline.db, backlog));
  await pipeline.close();
}

step(`the demo's stages (STAGE_DELAY_MS=${DEFAULTS.stageDelayMs}, concurrency ${DEFAULTS.concurrency}), 1 instance`);
pipeline = await startPipeline(infra, servers);
await loadOrders(pipeline.orderService.url, { connections: 32, amount: backlog });
await pipeline.addProcessors(1, { stageDelayMs: DEFAULTS.stageDelayMs, concurrency: DEFAULTS.concurrency });
const watchDemo = pipeline.watch();
figure('demo stages, per instance', await steadyShipRate(pipeline.db, DEFAULTS.stageDelayMs, CYCLES), 'orders/s');
resources('demo', watchDemo.stop());
await pipeline.close();

// The seed's scaling story: instances, not cores, bound the demo's stages when each holds a fixed number of orders.
for (const instances of SCALING_INSTANCES) {
  step(`scaling: ${instances} instance(s) at the demo's stages, concurrency ${SCALING_CONCURRENCY} each`);
  pipeline = await startPipeline(infra, servers);
  await loadOrders(pipeline.orderService.url, { connections: 32, amount: SCALING_BACKLOG });
  await pipeline.addProcessors(instances, { stageDelayMs: DEFAULTS.stageDelayMs, concurrency: SCALING_CONCURRENCY });
  const watch = pipeline.watch();
  figure(
    `scaling, ${instances} instance(s)`,
    await steadyShipRate(pipeline.db, DEFAULTS.stageDelayMs, CYCLES),
    'orders/s',
  );
  resources(`scaling-${instances}`, watch.stop());
  await pipeline.close();
}

step(`commit → on the topic at 500 orders/s for ${seconds} s (processor at delay 0)`);
pipeline = await startPipeline(infra, servers);
await pipeline.addProcessors(1);
const paced = await loadOrders(pipeline.orderService.url, { connections: 32, seconds, rate: 500 });
const latency = await publishLatency(pipeline.db);
figure('paced load', paced.perSecond, 'req/s');
figure('commit to topic p50', latency.p50, 'ms');
figure('commit to topic p99', latency.p99, 'ms');
await pipeline.close();

await writeReport(run);
await infra.stop();
console.log(
  `\nDone in ${Math.round((Date.now() - began) / 1000)} s. The bench databases and topics stay for inspection.`,
);
