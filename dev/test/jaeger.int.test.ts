// The local trace viewer end to end: Jaeger v2 built from the Go module proxy (minutes on a cold Go cache),
// started on its own ports, takes a span as OTLP http/json, shows it through its query API, and frees its
// ports on stop. Needs no PostgreSQL or Kafka (the integration tier's global setup starts them anyway).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@metalmart/test-support/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixedLogger } from '../src/log.ts';
import { isListening } from '../src/ports.ts';
import { ensureJaeger, type RunningJaeger, startJaeger } from '../src/servers/jaeger.ts';

/** Off the defaults (4318, 16686), which a developer's own Jaeger or collector may hold; any free one if taken. */
async function portNear(preferred: number): Promise<number> {
  return (await isListening(preferred)) ? freePort() : preferred;
}

interface JaegerTrace {
  traceID: string;
  spans: { spanID: string; operationName: string; tags: { key: string; value: unknown }[]; processID: string }[];
  processes: Record<string, { serviceName: string }>;
}

describe('Jaeger v2 as the local OTLP trace viewer', () => {
  const log = prefixedLogger('jaeger');
  let jaeger: RunningJaeger | undefined;
  let otlpHttpPort: number;
  let uiPort: number;

  beforeAll(async () => {
    await ensureJaeger(log);
    otlpHttpPort = await portNear(24318);
    uiPort = await portNear(26686);
    jaeger = await startJaeger({ otlpHttpPort, uiPort, log });
  }, 20 * 60_000);

  afterAll(async () => {
    await jaeger?.stop();
  }, 30_000);

  it('answers on the ports it was given', () => {
    expect(jaeger?.otlpEndpoint).toBe(`http://127.0.0.1:${otlpHttpPort}`);
    expect(jaeger?.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
  });

  it('stores a span posted as OTLP http/json and shows it through the query API', async () => {
    if (!jaeger) throw new Error('Jaeger did not start');
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const serviceName = `metalmart-test-${randomBytes(4).toString('hex')}`;
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
          scopeSpans: [
            {
              scope: { name: 'jaeger.int.test' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'POST /orders',
                  kind: 2, // SPAN_KIND_SERVER
                  startTimeUnixNano: String(now - 5_000_000n),
                  endTimeUnixNano: String(now),
                  attributes: [
                    { key: 'order.id', value: { stringValue: 'order-42' } },
                    { key: 'http.response.status_code', value: { intValue: '201' } },
                  ],
                  status: {},
                },
              ],
            },
          ],
        },
      ],
    };
    const posted = await fetch(`${jaeger.otlpEndpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(posted.status, await posted.clone().text()).toBe(200);

    // The batch processor holds spans up to its timeout (200 ms) before they reach storage.
    let trace: JaegerTrace | undefined;
    const deadline = Date.now() + 30_000;
    while (!trace && Date.now() < deadline) {
      const response = await fetch(`${jaeger.uiUrl}/api/traces/${traceId}`);
      if (response.ok) trace = ((await response.json()) as { data: JaegerTrace[] }).data[0];
      else await sleep(250);
    }
    if (!trace) throw new Error(`trace ${traceId} did not show up in Jaeger within 30 s`);
    expect(trace.traceID).toBe(traceId);
    expect(trace.spans).toHaveLength(1);
    const span = trace.spans[0];
    expect(span?.spanID).toBe(spanId);
    expect(span?.operationName).toBe('POST /orders');
    expect(span?.tags).toContainEqual(expect.objectContaining({ key: 'order.id', value: 'order-42' }));
    expect(trace.processes[span?.processID ?? '']?.serviceName).toBe(serviceName);

    const services = (await (await fetch(`${jaeger.uiUrl}/api/services`)).json()) as { data: string[] };
    expect(services.data).toContain(serviceName);
  });

  it('serves a page at the UI URL', async () => {
    if (!jaeger) throw new Error('Jaeger did not start');
    const response = await fetch(jaeger.uiUrl);
    expect(response.status).toBe(200);
    // Built from the module proxy, the binary embeds Jaeger's placeholder page unless JAEGER_UI_ASSETS_PATH
    // points at a built UI (see dev/jaeger/config.yaml); either is an HTML page with the injected UI config.
    expect(await response.text()).toMatch(/<html[\s\S]*JAEGER_VERSION/i);
  });

  it('frees both ports on stop', async () => {
    if (!jaeger) throw new Error('Jaeger did not start');
    await jaeger.stop();
    expect(await isListening(uiPort)).toBe(false);
    expect(await isListening(otlpHttpPort)).toBe(false);
  }, 30_000);
});
