import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, PASSWORD, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { base32Decode, totp } from '../../../edge/test/support/totp.ts';
import { contextAs, launch, SCREENSHOTS, shoot, watchErrors } from './browser.ts';

// Registration policy and two-factor sign-in in the browser, against the real edge. Neither
// needs an agent or the swarm, so this file starts none.
let stack: Stack;
let browser: Browser;
const suffix = () => Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
  console.log(`[web-e2e] screenshots: ${SCREENSHOTS}`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openAs(client: Client | undefined, path: string, ready = true): Promise<{ page: Page; errors: string[] }> {
  const ctx = await contextAs(browser, stack.url, client);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(path);
  if (ready) await page.waitForSelector('.shell[data-ready="yes"]');
  return { page, errors };
}

describe('account policy and security', () => {
  it('lets a platform admin make registration invite-only, and the sign-up page refuses an uninvited email with the reason', async () => {
    const { page: admin, errors } = await openAs(stack.admin, '/admin/registration/');
    try {
      await admin.getByRole('link', { name: 'Registration' }).waitFor();
      const open = admin.getByRole('radio', { name: 'Open', exact: true });
      await open.waitFor();
      expect(await open.isChecked()).toBe(true);
      expect(await admin.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      await admin.getByRole('radio', { name: 'Invitation only' }).check();
      await admin.getByRole('button', { name: 'Save' }).click();
      await admin.getByText('Saved: Invitation only.').waitFor();
      expect(await stack.admin.json('GET', '/api/v1/platform/registration', 200)).toEqual({ mode: 'invite-only' });
      await shoot(admin, 'admin-registration');

      const { page: visitor, errors: visitorErrors } = await openAs(undefined, '/sign-up/', false);
      await visitor.getByTestId('registration-notice').getByText('Invitation required.').waitFor();
      const email = `uninvited-${suffix()}@e2e.test`;
      await visitor.getByLabel('Name').fill('Uninvited');
      await visitor.getByLabel('Email').fill(email);
      await visitor.getByLabel('Password').fill(PASSWORD);
      await visitor.getByRole('button', { name: 'Create account' }).click();
      await visitor.getByRole('alert').getByText('An invitation is required: no pending invitation was sent to this email address.').waitFor();
      expect(visitor.url()).toMatch(/\/sign-up\/$/);
      await shoot(visitor, 'sign-up-invite-only');
      const users = await stack.admin.json<{ items: { email: string }[] }>('GET', '/api/v1/admin/users?limit=100', 200);
      expect(users.items.map((u) => u.email)).not.toContain(email);

      await admin.getByRole('radio', { name: 'Closed' }).check();
      await admin.getByRole('button', { name: 'Save' }).click();
      await admin.getByText('Saved: Closed.').waitFor();
      await visitor.reload();
      await visitor.getByTestId('registration-notice').getByText('Registration is closed.').waitFor();
      expect(await visitor.getByRole('button', { name: 'Create account' }).count()).toBe(0);
      await shoot(visitor, 'sign-up-closed');
      await visitor.goto('/sign-in/');
      await visitor.getByRole('button', { name: 'Sign in' }).waitFor();
      await visitor.waitForLoadState('networkidle');
      expect(await visitor.getByRole('link', { name: 'Create one' }).count()).toBe(0);
      expect([...errors, ...visitorErrors]).toEqual([]);
    } finally {
      await stack.admin.json('PUT', '/api/v1/platform/registration', 200, { mode: 'open' });
    }
  });

  it('lets a user turn on TOTP from the shown secret, and the next sign-in asks for and accepts a code; turning it off takes the password', async () => {
    const email = `totp-${suffix()}@e2e.test`;
    const user = await stack.signUp(email);
    const { page, errors } = await openAs(user, '/settings/security/');
    await page.getByRole('link', { name: 'Security' }).waitFor();
    expect(await page.getByTestId('totp-state').textContent()).toBe('off');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up authenticator' }).click();
    await page.getByTestId('totp-enrollment').waitFor();
    expect(await page.getByTestId('totp-uri').getAttribute('href')).toMatch(/^otpauth:\/\/totp\/Berth:/);
    expect(await page.getByTestId('backup-codes').locator('li').count()).toBeGreaterThan(0);
    // What a person would type into an authenticator: the secret as shown, spaces and all.
    const shown = (await page.getByTestId('totp-secret').textContent()) ?? '';
    const key = base32Decode(shown.replace(/\s+/g, ''));
    await shoot(page, 'security-enroll');

    await page.getByLabel('Code from the authenticator').fill(totp(key, Date.now()));
    await page.getByRole('button', { name: 'Verify and turn on' }).click();
    await page.getByText('Two-factor sign-in is on.', { exact: true }).waitFor();
    expect(await page.getByTestId('totp-state').textContent()).toBe('on');
    expect(await page.getByTestId('totp-enrollment').count()).toBe(0);
    // Read by someone else: confirming rotated the session the test signed up with.
    const users = await stack.admin.json<{ items: { email: string; twoFactorEnabled: boolean }[] }>('GET', '/api/v1/admin/users?limit=100', 200);
    expect(users.items.find((u) => u.email === email)?.twoFactorEnabled).toBe(true);
    await shoot(page, 'security-on');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Authentication code');
    await code.waitFor();
    expect(await page.context().cookies()).not.toContainEqual(expect.objectContaining({ name: 'berth.session_token' }));
    await shoot(page, 'sign-in-totp');
    await code.fill(totp(key, Date.now()));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in/'));
    await page.goto('/settings/security/');
    await page.waitForSelector('.shell[data-ready="yes"]');
    expect(await page.getByTestId('totp-state').textContent()).toBe('on');

    await page.getByLabel('Current password').fill('not-the-password');
    await page.getByRole('button', { name: 'Turn off two-factor' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('totp-state').textContent()).toBe('on');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Turn off two-factor' }).click();
    await page.getByText('Two-factor sign-in is off.', { exact: true }).waitFor();
    expect(await page.getByTestId('totp-state').textContent()).toBe('off');
    expect(errors).toEqual([]);
  });
});
