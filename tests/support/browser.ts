import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '@metalmart/dev/settings';
import { type Browser, chromium, type Page } from 'playwright-core';

const screenshotDir = join(repoRoot, 'test-results', 'e2e');

/**
 * Debian's Chromium, headless (never a browser a tool downloads). The flags keep it off the network:
 * this machine only reaches package registries, and Chromium's background services would keep trying.
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** How far the page is wider than the window (0: nothing scrolls sideways), and the widest culprit. */
export const sidewaysOverflow = (p: Page) =>
  p.evaluate(`(() => {
    const root = document.documentElement;
    const over = root.scrollWidth - root.clientWidth;
    let widest = '';
    if (over > 0) {
      let right = 0;
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect().right;
        if (r > right) { right = r; widest = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''); }
      }
    }
    return { over, widest };
  })()`) as Promise<{ over: number; widest: string }>;
