// An order's trace as a person opens it: both services export to a real Jaeger v2 (the local stack's trace
// viewer, OTLP over http/protobuf), the tracking page shows the trace id and links the shop's trace view, which
// draws Jaeger's answer — the POST, the send, the consume linked to the send, the three transitions (their
// batched HTTP calls are traces of their own, linked from each transition).

import { type RunningJaeger, startJaeger } from '@metalmart/dev/servers/jaeger';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.ts';
import { placeOrder } from '../support/orders.ts';
import { freePort } from '../support/processes.ts';
import { type Shop, startShop } from '../support/shop.ts';

let page: Page;
let jaeger: RunningJaeger;
let shop: Shop;

beforeAll(async () => {
  // Built from the Go module proxy on the first run (minutes on a cold Go cache), then reused.
  jaeger = await startJaeger({ otlpHttpPort: await freePort(), uiPort: await freePort(), log: () => {} });
  const otlp = {
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  shop = await startShop({
    prefix: 'trace-view',
    stageDelayMs: 20,
    env: otlp,
    frontendEnv: { VITE_TRACE_VIEWER_URL: jaeger.uiUrl },
  });
  await shop.startProcessor('traced');
}, 20 * 60_000);

afterAll(async () => {
  await page?.close();
  await shop?.close();
  await jaeger?.stop();
});

describe('the trace of an order in the shop', () => {
  it('links the tracking page to a waterfall of the whole trace, read from Jaeger', async () => {
    const order = await placeOrder(shop.orderService.url);
    page = await shop.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${shop.frontend.url}/track/${order.trackingToken}`);
    const traceId = page.locator('code', { hasText: /^[0-9a-f]{32}$/ });
    await expect.poll(() => traceId.count(), { timeout: 20_000 }).toBe(1);
    const id = (await traceId.textContent()) ?? '';
    await page.getByRole('link', { name: 'Open trace' }).click();
    await page.waitForURL(new RegExp(`/traces/${id}$`));

    const waterfall = page.getByRole('region', { name: 'Spans' }).getByRole('table');
    const operations = async () => (await waterfall.getByRole('row').allTextContents()).join('\n');
    await expect.poll(operations, { timeout: 60_000, interval: 1000 }).toMatch(/transition shipped/);
    const text = await operations();
    for (const span of [
      'POST /api/orders',
      `send ${shop.topic}`,
      `process ${shop.topic}`,
      'transition processing',
      'transition confirmed',
    ]) {
      expect(text).toContain(span);
    }
    expect(text).toMatch(new RegExp(`process ${shop.topic}[\\s\\S]*linked to send ${shop.topic}`));
    expect(text).toContain('order-service');
    expect(text).toContain('order-processor');
    await screenshot(page, 'trace-01-waterfall');
  });
});
