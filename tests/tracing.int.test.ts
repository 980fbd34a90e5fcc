// One order, one trace: both services export to a real OTLP receiver (the Order Service over http/protobuf, the
// processor over http/json), and the spans decoded by the official OTLP bindings must form one trace from the
// POST through the outbox publish and the consume to all three transitions, the consumer span linked to the
// producer span, with the messaging attributes of the semantic conventions.
import { ORDER_PROCESSOR_GROUP, type TrackingResponse } from '@metalmart/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestTopic, uniqueName } from './support/infra.ts';
import { placeOrder } from './support/orders.ts';
import { type ReceivedSpan, startOtlpReceiver } from './support/otlp.ts';
import { startPipeline } from './support/pipeline.ts';
import { type ServiceProcess, waitUntil } from './support/processes.ts';

const running: { stop(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const p of running.reverse()) await p.stop();
});

const otlpEnv = (endpoint: string, protocol: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  // Export within a fraction of a second (default 5 s).
  OTEL_BSP_SCHEDULE_DELAY: '200',
});

async function track(orderService: ServiceProcess, token: string): Promise<TrackingResponse> {
  return (await (await fetch(`${orderService.url}/api/orders/track/${token}`)).json()) as TrackingResponse;
}

describe('tracing', () => {
  it('follows one order in one trace from the POST to the last transition', { timeout: 120_000 }, async () => {
    const receiver = await startOtlpReceiver();
    running.push(receiver);
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('traced');
    const groupId = uniqueName(ORDER_PROCESSOR_GROUP);
    const { orderService, processor } = await startPipeline({
      topic,
      groupId,
      instance: 'traced',
      running,
      databaseUrl,
      orderServiceEnv: otlpEnv(receiver.endpoint, 'http/protobuf'),
      processorEnv: otlpEnv(receiver.endpoint, 'http/json'),
    });

    const placed = await placeOrder(orderService.url);
    let tracking = await track(orderService, placed.trackingToken);
    await waitUntil('the order shipped', async () => {
      tracking = await track(orderService, placed.trackingToken);
      return tracking.status === 'shipped';
    });
    const traceId = tracking.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    let all: ReceivedSpan[] = [];
    let spans: ReceivedSpan[] = [];
    const named = (name: string) => spans.filter((s) => s.name === name);
    // A batch of transitions is a trace of its own, linked from each transition it carried.
    const batchOf = (transition: ReceivedSpan | undefined) =>
      all.find((s) => s.name === 'order transitions' && s.links.some((l) => l.spanId === transition?.spanId));
    await waitUntil('all spans exported', async () => {
      all = await receiver.spans();
      spans = all.filter((s) => s.traceId === traceId);
      const served = (t: ReceivedSpan | undefined) => {
        const call = all.find((s) => s.parentSpanId === batchOf(t)?.spanId);
        return all.some((s) => s.parentSpanId === call?.spanId && s.kind === 'SERVER');
      };
      return ['processing', 'confirmed', 'shipped'].every((status) => served(named(`transition ${status}`)[0]));
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; received: ${all.map((s) => `${s.service}/${s.traceId.slice(0, 6)}/${s.name}`).join(', ')}`,
      );
    });

    // The POST: a SERVER span named by its route, with PostgreSQL spans inside it.
    const [post] = named('POST /api/orders');
    expect(post).toMatchObject({
      service: 'order-service',
      kind: 'SERVER',
      parentSpanId: null,
      protocol: 'http/protobuf',
    });
    const sqlUnderPost = spans.filter(
      (s) => s.parentSpanId === post?.spanId && s.attributes['db.system.name'] === 'postgresql',
    );
    expect(sqlUnderPost.length).toBeGreaterThan(0);

    // The relay's publish: PRODUCER, child of the POST (its context was stored with the outbox row).
    const [send] = named(`send ${topic}`);
    expect(send).toMatchObject({ service: 'order-service', kind: 'PRODUCER', parentSpanId: post?.spanId });
    expect(send?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.operation.type': 'send',
      'messaging.kafka.message.key': placed.id,
    });

    // The consume: CONSUMER, continuing the record's trace and linked to the producer span.
    const [consume] = named(`process ${topic}`);
    expect(consume).toMatchObject({
      service: 'order-processor',
      kind: 'CONSUMER',
      parentSpanId: send?.spanId,
      protocol: 'http/json',
    });
    expect(consume?.links).toEqual([{ traceId, spanId: send?.spanId }]);
    const shipped = tracking.history.find((h) => h.status === 'shipped');
    expect(consume?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(shipped?.processedBy?.partition),
      'messaging.kafka.offset': Number(shipped?.processedBy?.offset),
      'messaging.consumer.group.name': groupId,
      'messaging.operation.type': 'process',
    });

    // Each transition: a span under the consume; the batch that carried it links to it, its HTTP call is under
    // the batch span, the Order Service's SERVER span (and its SQL) under that.
    for (const status of ['processing', 'confirmed', 'shipped']) {
      const [transition] = named(`transition ${status}`);
      expect(transition?.parentSpanId).toBe(consume?.spanId);
      const batch = batchOf(transition);
      expect(batch).toMatchObject({ service: 'order-processor', parentSpanId: null });
      const call = all.find((s) => s.parentSpanId === batch?.spanId && s.kind === 'CLIENT');
      expect(call?.attributes['http.request.method']).toBe('POST');
      const served = all.find((s) => s.parentSpanId === call?.spanId);
      expect(served).toMatchObject({
        service: 'order-service',
        kind: 'SERVER',
        name: 'POST /internal/order-transitions',
      });
      expect(
        all.some((s) => s.parentSpanId === served?.spanId && s.attributes['db.system.name'] === 'postgresql'),
      ).toBe(true);
    }

    // Every log line about the order carries its trace id, in both services.
    const aboutOrder = (logs: string[]) =>
      logs.map((l) => JSON.parse(l)).filter((l) => l.orderId === placed.id || l.key === placed.id);
    expect(aboutOrder(orderService.logs).map((l) => l.traceId)).toEqual([traceId]);
    const processorLines = aboutOrder(processor.logs);
    expect(processorLines.length).toBe(4); // received + three transitions
    expect(processorLines.every((l) => l.traceId === traceId)).toBe(true);
  });
});
