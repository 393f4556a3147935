import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, PASSWORD, type Stack } from '@berth/test-support/swarm-stack';
import { contextAs, launch, watchErrors } from './browser.ts';

// The pages under their Content-Security-Policy in real Chromium: signing in works and no
// inline script or other resource is refused. Needs no agent or swarm.
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A page that records every CSP violation the browser reports, from the first byte on. */
async function watchedPage(): Promise<{ page: Page; violations: string[]; errors: string[] }> {
  const ctx = await contextAs(browser, stack.url);
  const page = await ctx.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, violations, errors: watchErrors(page) };
}

describe('the UI under its Content-Security-Policy', () => {
  it('serves pages that forbid framing and allow only their own scripts', async () => {
    const res = await fetch(`${stack.url}/sign-in/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    expect(csp).not.toContain("'unsafe-inline' 'sha256");
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it('signs in from the sign-in page, ignores a next that leaves the site, and refuses nothing on the way', async () => {
    const { page, violations, errors } = await watchedPage();
    await page.goto('/sign-in/?next=/%5Cevil.example');
    await page.getByLabel('Email').fill('admin@swarm.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in/'));
    expect(new URL(page.url()).origin).toBe(stack.url);
    await page.goto('/tenants/');
    await page.waitForSelector('.shell[data-ready="yes"]');
    await page.waitForLoadState('networkidle');
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
