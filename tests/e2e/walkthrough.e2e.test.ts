// The seed's demo, played by a real headless Chromium against the real stack: browse, add two products,
// check out, see the confirmation, open the tracking link, watch the bar fill to shipped with no reload.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, sidewaysOverflow } from '../support/browser.ts';
import { type Shop, startShop } from '../support/shop.ts';

let shop: Shop;
let page: Page;

beforeAll(async () => {
  // Stages longer than the page's 2 s poll, so every one shows up on the page.
  shop = await startShop({ prefix: 'e2e', stageDelayMs: 2500 });
});

afterEach(async () => {
  await page?.close();
  await shop?.stopProcessors();
});

afterAll(() => shop?.close());

// Marks the window: if the page reloads, the mark is gone. (Runs in the browser; this file has no DOM types.)
const markWindow = (p: Page) => p.evaluate('window.__noReload = true');
const stillSameWindow = (p: Page) => p.evaluate('window.__noReload === true');

/** A screenshot, and on a phone: the page fits the screen's width. */
async function shot(p: Page, name: string) {
  await screenshot(p, name);
  if ((p.viewportSize()?.width ?? 1280) <= 430)
    expect(await sidewaysOverflow(p), name).toEqual({ over: 0, widest: '' });
}

async function checkout(p: Page, shots: string) {
  await p.goto(shop.frontend.url);
  const cards = p.locator('article.product-card');
  await expect.poll(() => cards.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(12);
  await shot(p, `${shots}-01-catalog`);
  await cards.nth(0).getByRole('button', { name: 'Add to cart' }).click();
  await cards.nth(1).getByRole('button', { name: 'Add to cart' }).click();
  await p.getByRole('link', { name: /Cart, 2 items/ }).click();
  await shot(p, `${shots}-02-cart`);
  await p.getByRole('link', { name: 'Checkout' }).click();
  await p.getByLabel('Full name').fill('Ada Lovelace');
  expect(await p.getByLabel('Email').inputValue()).toBe('demo@metalbear.com');
  await p.getByLabel('Street address').fill('1 Forge Street');
  await p.getByLabel('City').fill('Berlin');
  await p.getByLabel('Postal code').fill('10115');
  await p.getByLabel('Country').selectOption('DE');
  await shot(p, `${shots}-03-checkout`);
  await p.getByRole('button', { name: 'Place order' }).click();
  await p.waitForURL(/\/order-confirmation\//, { timeout: 15_000 });
  const orderNumber = (await p.getByTestId('order-number').first().textContent())?.trim() ?? '';
  expect(orderNumber).toMatch(/MM-[A-Z2-9]{7}/);
  await shot(p, `${shots}-04-confirmation`);
  await p.getByRole('link', { name: 'Track your order' }).click();
  await p.waitForURL(/\/track\//);
  return orderNumber;
}

const statusBar = (p: Page) => p.locator('ol[data-status]');

describe('the shop in a real browser', () => {
  it('plays the walkthrough: browse, cart, checkout, confirmation, live tracking to shipped', async () => {
    await shop.startProcessor('e2e-processor');
    page = await shop.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const orderNumber = await checkout(page, 'desktop');
    await markWindow(page);
    expect(await page.getByTestId('order-number').first().textContent()).toContain(orderNumber);
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const status = (await statusBar(page).getAttribute('data-status')) ?? '';
          seen.add(status);
          return status;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe('shipped');
    await screenshot(page, 'desktop-05-tracking-shipped');
    expect(seen.size).toBeGreaterThanOrEqual(3); // it filled live, stage by stage
    expect(await stillSameWindow(page)).toBe(true);
    await expect.poll(() => page.locator('[data-status="processing"]').count()).toBeGreaterThan(0);
    expect(await page.getByText('e2e-processor').count()).toBeGreaterThan(0);
  });

  it('shows the order waiting in the queue while the processor is stopped, then completes live once it starts', async () => {
    page = await shop.browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    await checkout(page, 'phone');
    await markWindow(page);
    await expect.poll(() => page.getByTestId('waiting-in-queue').count(), { timeout: 10_000 }).toBe(1);
    expect(await statusBar(page).getAttribute('data-status')).toBe('pending');
    await shot(page, 'phone-05-tracking-waiting');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await statusBar(page).getAttribute('data-status')).toBe('pending'); // still queued: nobody consumes

    await shop.startProcessor('late-processor');
    await expect
      .poll(() => statusBar(page).getAttribute('data-status'), { timeout: 40_000, interval: 250 })
      .toBe('shipped');
    expect(await page.getByTestId('waiting-in-queue').count()).toBe(0);
    expect(await stillSameWindow(page)).toBe(true);
    await shot(page, 'phone-06-tracking-shipped');
    // The other pages a phone user reaches: the trace (its viewer may be off here: the page says so), the
    // pipeline, a product.
    const traceId = (await page.getByTestId('trace-id').allTextContents())[0]?.trim() || '0'.repeat(32);
    await page.goto(`${shop.frontend.url}/traces/${traceId}`);
    await page.waitForLoadState('networkidle');
    await shot(page, 'phone-07-trace');
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(2500); // the first samples arrive
    await shot(page, 'phone-08-pipeline');
    await page.getByRole('link', { name: 'Shop' }).click();
    await page.locator('article.product-card a').first().click();
    await page.waitForURL(/\/products\//);
    await shot(page, 'phone-09-product');
  });
});
