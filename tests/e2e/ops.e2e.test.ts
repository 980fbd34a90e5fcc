// The live pipeline page (/ops) in a real headless Chromium against the real stack, read by roles and labels:
// the six partitions with their owners, lag rising while the processor is paused (SIGSTOP) and draining after it
// resumes, a second instance taking partitions, a poison message under dead letters and its replay shipping it.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, sidewaysOverflow } from '../support/browser.ts';
import { placeOrders, statusCounts } from '../support/fleet.ts';
import { sendRecords } from '../support/infra.ts';
import { insertOrderOf, orderCreatedEvent } from '../support/orders.ts';
import { waitUntil } from '../support/processes.ts';
import { type Shop, startShop } from '../support/shop.ts';

let shop: Shop;
let page: Page;

beforeAll(async () => {
  shop = await startShop({ prefix: 'ops-e2e', stageDelayMs: 50, opsApi: true });
});

afterAll(async () => {
  await page?.close();
  await shop?.close();
});

/** The partitions table as rows of cells (by its column headers). */
async function partitionRows(table: Locator) {
  const headers = (await table.getByRole('columnheader').allTextContents()).map((h) => h.trim());
  const rows = await table.getByRole('row').all();
  const result: Record<string, string>[] = [];
  for (const row of rows.slice(1)) {
    const cells = (await row.getByRole('cell').allTextContents()).map((c) => c.trim());
    const header = (await row.getByRole('rowheader').allTextContents()).map((c) => c.trim());
    const values = [...header, ...cells];
    result.push(Object.fromEntries(headers.map((h, i) => [h, values[i] ?? ''])));
  }
  return result;
}

const totalLag = async (table: Locator) =>
  (await partitionRows(table)).reduce((sum, r) => sum + Number(r.Lag ?? Number.NaN), 0);

describe('the ops page in a real browser', () => {
  it('shows partitions, lag while paused, an instance joining, and a dead letter replayed', async () => {
    const first = await shop.startProcessor('ops-first');
    page = await shop.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(shop.frontend.url);
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.waitForURL(/\/ops$/);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Pipeline' }).count()).toBe(1);

    const partitions = page.getByRole('region', { name: new RegExp(`Partitions of ${shop.topic}`) }).getByRole('table');
    await expect
      .poll(async () => (await partitions.getByRole('columnheader').allTextContents()).map((h) => h.trim()), {
        timeout: 20_000,
      })
      .toEqual(expect.arrayContaining(['Partition', 'Owner', 'End offset', 'Committed', 'Lag']));
    await expect
      .poll(async () => (await partitionRows(partitions)).map((r) => `${r.Partition}:${r.Owner}`), { timeout: 30_000 })
      .toEqual(['0:ops-first', '1:ops-first', '2:ops-first', '3:ops-first', '4:ops-first', '5:ops-first']);
    await screenshot(page, 'ops-01-one-instance');

    // Paused: nothing is consumed, so the lag rises as orders arrive …
    first.child.kill('SIGSTOP');
    const queued = await placeOrders(shop.orderService.url, 12);
    await expect.poll(() => totalLag(partitions), { timeout: 30_000, interval: 500 }).toBe(12);
    await screenshot(page, 'ops-02-paused-lag');
    // … and drains once it resumes.
    first.child.kill('SIGCONT');
    await expect.poll(() => totalLag(partitions), { timeout: 60_000, interval: 500 }).toBe(0);
    expect((await statusCounts(shop.databaseUrl, queued)).shipped).toBe(12);
    await screenshot(page, 'ops-03-drained');

    // A second instance joins: the assignment on the page changes, both own partitions.
    await shop.startProcessor('ops-second');
    await expect
      .poll(async () => new Set((await partitionRows(partitions)).map((r) => r.Owner)), { timeout: 60_000 })
      .toEqual(new Set(['ops-first', 'ops-second']));
    const members = page.getByRole('region', { name: 'Group members' });
    await expect.poll(() => members.getByText('ops-second').count()).toBeGreaterThan(0);
    await screenshot(page, 'ops-04-two-instances');

    // A poison message (its order unknown): it shows under dead letters with its reason.
    const event = orderCreatedEvent();
    await sendRecords(shop.topic, [{ key: event.order.id, value: JSON.stringify(event) }]);
    const deadLetters = page.getByRole('region', { name: 'Dead letters' });
    await expect
      .poll(() => deadLetters.getByRole('row').filter({ hasText: event.order.id }).count(), { timeout: 60_000 })
      .toBe(1);
    const letter = deadLetters.getByRole('row').filter({ hasText: event.order.id });
    expect(await letter.textContent()).toContain('POISON: unknown order');
    // The page fits the window (a long reason wraps; no table widens the page).
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'ops-05-dead-letter');

    // Its cause goes away (the order exists now); Replay republishes it and it ships.
    await insertOrderOf(shop.databaseUrl, event);
    await letter.getByRole('button', { name: /^Replay dead letter \d+$/ }).click();
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: /replayed to/ })
          .count(),
      )
      .toBe(1);
    await waitUntil(
      'the replayed order shipped',
      async () => (await statusCounts(shop.databaseUrl, [event.order.id])).shipped === 1,
      60_000,
    );
    const transitions = page.getByRole('region', { name: 'Latest transitions' });
    await expect
      .poll(() => transitions.getByText(event.order.orderNumber).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await screenshot(page, 'ops-06-replayed');
    // On a phone the whole page fits the screen's width: wide tables scroll inside their panels.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(1500);
    await screenshot(page, 'phone-ops');
    expect(await sidewaysOverflow(page)).toEqual({ over: 0, widest: '' });
  });
});
