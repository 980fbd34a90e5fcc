// /metrics of both services on the real stack, read by an independent parser (Python's prometheus_client) and,
// for the consumer lag, checked against Kafka's own kafka-consumer-groups --describe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrders, statusCounts } from './support/fleet.ts';
import { createTestDatabase, createTestTopic, kafkaBrokers, uniqueName } from './support/infra.ts';
import { describeGroup } from './support/kafka-tools.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';
import { pythonVenv, runCommand } from './support/python.ts';

const PROMETHEUS_CLIENT_VERSION = '0.26.0';
// Parses Prometheus text with the reference Python parser; prints {family: {type, samples: [[name, labels, value]]}}.
const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    out[family.name] = {"type": family.type, "samples": [[s.name, s.labels, s.value] for s in family.samples]}
print(json.dumps(out))`;

type Families = Record<string, { type: string; samples: [string, Record<string, string>, number][] }>;
let python: string;
async function scrape(url: string): Promise<Families> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const parsed = await runCommand(python, ['-c', PARSE], { input: await response.text() });
  expect(parsed.code, parsed.output).toBe(0);
  return JSON.parse(parsed.output) as Families;
}
/** The value of the sample `name` (a counter's `_total` included) with these labels, in any family. */
const value = (families: Families, name: string, labels: Record<string, string> = {}) =>
  Object.values(families)
    .flatMap((family) => family.samples)
    .find(
      ([sample, own]) =>
        (sample === name || sample === `${name}_total`) && Object.entries(labels).every(([k, v]) => own[k] === v),
    )?.[2];

let databaseUrl: string;
let topic: string;
let groupId: string;
let orderService: ServiceProcess;
const running: ServiceProcess[] = [];
beforeAll(async () => {
  python = `${await pythonVenv('prometheus-client', PROMETHEUS_CLIENT_VERSION)}/bin/python`;
  databaseUrl = await createTestDatabase();
  topic = await createTestTopic('metrics');
  groupId = uniqueName('metrics-group');
  orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
  running.push(orderService);
}, 300_000);
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill9()));
});

describe('Prometheus metrics', () => {
  it('Order Service and processor expose the pipeline families; lag per partition matches kafka-consumer-groups', async () => {
    const base = { kafkaBrokers: kafkaBrokers(), topic, groupId, orderServiceUrl: orderService.url };
    const fast = await startProcessor({ ...base, instance: 'metrics-fast', stageDelayMs: 0 });
    running.push(fast);
    const shipped = await placeOrders(orderService.url, 5);
    const refused = await fetch(`${orderService.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"customer":{}}',
    });
    expect(refused.status).toBe(400);
    await waitUntil('5 shipped', async () => (await statusCounts(databaseUrl, shipped)).shipped === 5, 60_000);

    const service = await scrape(orderService.url);
    expect(value(service, 'metalmart_orders_accepted')).toBe(5);
    expect(value(service, 'metalmart_orders_refused', { status: '400' })).toBe(1);
    expect(service.metalmart_outbox_unpublished?.type).toBe('gauge');
    expect(value(service, 'metalmart_outbox_oldest_unpublished_seconds')).toBe(0);
    expect(service.metalmart_outbox_publish_latency_seconds?.type).toBe('histogram');
    expect(value(service, 'metalmart_outbox_publish_latency_seconds_count')).toBe(5);

    const processor = await scrape(fast.url);
    expect(value(processor, 'metalmart_orders_processed')).toBe(5);
    expect(value(processor, 'metalmart_stage_duration_seconds_count', { status: 'shipped' })).toBe(5);
    expect(value(processor, 'metalmart_rebalances')).toBeGreaterThanOrEqual(1);
    for (const family of ['metalmart_orders_in_flight', 'metalmart_consumer_lag', 'metalmart_order_retries'])
      expect(processor[family], family).toBeDefined();

    // Lag: stop the fast one, queue 12 orders, and let a slow one hold them (nothing completes, nothing commits).
    await fast.stop();
    const queued = await placeOrders(orderService.url, 12);
    const slow = await startProcessor({
      ...base,
      instance: 'metrics-slow',
      stageDelayMs: 600_000,
      env: { SHUTDOWN_GRACE_MS: '0' },
    });
    running.push(slow);
    await waitUntil(
      '12 orders in flight',
      async () => value(await scrape(slow.url), 'metalmart_orders_in_flight') === 12,
      60_000,
      500,
    );
    const metrics = await scrape(slow.url);
    const kafkaView = await describeGroup(kafkaBrokers(), groupId);
    const byPartition = (rows: { partition: number; lag: number }[]): Record<number, number> =>
      Object.fromEntries(rows.map((r) => [r.partition, r.lag]));
    const ours = byPartition(
      (metrics.metalmart_consumer_lag?.samples ?? []).map(([, labels, lag]) => ({
        partition: Number(labels.partition),
        lag,
      })),
    );
    const theirs = byPartition(
      // A partition the group never committed shows LAG "-": all of it is waiting (the group starts from the
      // beginning), which is what the metric says — its end offset.
      kafkaView
        .filter((r) => r.topic === topic)
        .map((r) => ({ partition: r.partition ?? -1, lag: r.lag ?? r.logEndOffset ?? -1 })),
    );
    expect(ours).toEqual(theirs);
    expect(Object.values(ours).reduce((a, b) => a + b, 0)).toBe(queued.length);
  });
});
