import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Client } from '@berth/test-support/swarm-stack';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export const SCREENSHOTS = join(new URL('../../../', import.meta.url).pathname, 'test-artifacts', 'screenshots');
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

export function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** A browser context signed in with an API-side session (for tests whose subject is not signing in). */
export async function contextAs(browser: Browser, url: string, client?: Client): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: SIZES.desktop, baseURL: url });
  if (client) {
    const cookies = client.cookie.split('; ').map((pair) => {
      const cut = pair.indexOf('=');
      return { name: pair.slice(0, cut), value: pair.slice(cut + 1), url };
    });
    await ctx.addCookies(cookies);
  }
  return ctx;
}

/** Collects uncaught page errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Saves the page at desktop and phone widths as `<name>.desktop.png` / `<name>.phone.png`. */
export async function shoot(page: Page, name: string) {
  for (const [label, size] of Object.entries(SIZES)) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.${label}.png`), fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}
