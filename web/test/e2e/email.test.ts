import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, PASSWORD, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { linkIn, RESET_SUBJECT, VERIFY_SUBJECT } from '@berth/test-support/inbox';
import { contextAs, launch, shoot, watchErrors } from './browser.ts';

// Email verification and password reset in the browser, following the links the edge mailed.
// Neither needs an agent or the swarm, so this file starts none.
let stack: Stack;
let browser: Browser;
const suffix = () => Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function open(client: Client | undefined, path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await (await contextAs(browser, stack.url, client)).newPage();
  const errors = watchErrors(page);
  await page.goto(path);
  return { page, errors };
}

/** The mailed link as a path on the stack's origin (the mail names the configured public URL). */
const pathOf = (link: URL) => link.pathname + link.search;

describe('account mail in the browser', () => {
  it('keeps invitations from a new account until its mailed link is opened signed in, then lists them', async () => {
    const owner = await stack.signUp(`owner-${suffix()}@e2e.test`);
    const slug = `mail-${suffix()}`;
    await owner.json('POST', '/api/v1/tenants', 201, { name: 'Mail team', slug });
    const email = `newbie-${suffix()}@e2e.test`;
    await owner.json('POST', `/api/v1/tenants/${slug}/invitations`, 201, { email, role: 'operator' });

    const { page, errors } = await open(undefined, '/sign-up/');
    await page.getByLabel('Name').fill('Newbie');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/tenants/');
    await page.getByTestId('confirm-email').waitFor();
    expect(await page.getByRole('button', { name: 'Accept invitation to Mail team' }).count()).toBe(0);
    await shoot(page, 'confirm-email');

    // Opened signed out (another browser, say): sign in first, and come back to the link.
    const link = linkIn(await stack.nextMail(email, VERIFY_SUBJECT));
    const { page: elsewhere, errors: elsewhereErrors } = await open(undefined, pathOf(link));
    await elsewhere.locator('[data-testid="verify-email"][data-outcome="sign-in"]').waitFor();
    await elsewhere.getByRole('link', { name: 'Sign in' }).click();
    await elsewhere.getByLabel('Email').fill(email);
    await elsewhere.getByLabel('Password').fill(PASSWORD);
    await elsewhere.getByRole('button', { name: 'Sign in' }).click();
    await elsewhere.locator('[data-testid="verify-email"][data-outcome="verified"]').waitFor();
    await shoot(elsewhere, 'verify-email');

    await page.reload();
    await page.getByRole('button', { name: 'Accept invitation to Mail team' }).click();
    await page.waitForURL(`**/agents/?t=${slug}`);
    expect([...errors, ...elsewhereErrors]).toEqual([]);
  });

  it('resets a forgotten password from the sign-in page through the mailed link, once', async () => {
    const email = `forgetful-${suffix()}@e2e.test`;
    await stack.signUp(email);
    const { page, errors } = await open(undefined, '/sign-in/');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL('**/forgot-password/');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await page.getByTestId('reset-requested').waitFor();
    await shoot(page, 'forgot-password');

    const link = pathOf(linkIn(await stack.nextMail(email, RESET_SUBJECT)));
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('a-new-browser-password-1');
    await page.getByLabel('New password again').fill('a-new-browser-password-1');
    await shoot(page, 'reset-password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByTestId('password-reset').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a-new-browser-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('.shell[data-ready="yes"]');

    // The link is spent.
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('a-third-password-123');
    await page.getByLabel('New password again').fill('a-third-password-123');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('alert').getByText('This link is not valid').waitFor();
    expect(errors).toEqual([]);
  });
});
