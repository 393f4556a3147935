import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { contextAs, launch, SCREENSHOTS, shoot, watchErrors } from './browser.ts';

// Organisation settings and platform administration in the browser, against the real edge.
let stack: Stack;
let browser: Browser;
const suffix = () => Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  stack = await startStack();
  const { stateDir, clusterId } = await stack.enrollAgent('shared');
  stack.runAgent(stateDir);
  await stack.waitOnline(clusterId);
  browser = await launch();
  console.log(`[web-e2e] screenshots: ${SCREENSHOTS}`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function ownerWithTenant(label: string) {
  const owner = await stack.signUp(`${label}-${suffix()}@e2e.test`);
  const slug = `${label}-${suffix()}`;
  await owner.json('POST', '/api/v1/tenants', 201, { name: `${label} tenant`, slug });
  return { owner, slug };
}

async function openAs(client: Client, path: string): Promise<{ page: Page; errors: string[] }> {
  const ctx = await contextAs(browser, stack.url, client);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(path);
  await page.waitForSelector('.shell[data-ready="yes"]');
  return { page, errors };
}

describe('organisation settings and platform administration', () => {
  it('applies the accent colour, guards the last owner and self, and shows a new API token once', async () => {
    const { owner, slug } = await ownerWithTenant('org');
    const { page, errors } = await openAs(owner, `/settings/?t=${slug}`);
    await page.getByLabel('Accent colour', { exact: true }).fill('red');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('use a #rrggbb colour').waitFor();
    await page.getByLabel('Accent colour', { exact: true }).fill('#aa3300');
    await page.getByLabel('Display name').fill('Org Branded');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await page.locator('.shell').evaluate((el) => getComputedStyle(el).getPropertyValue('--accent').trim())).toBe('#aa3300');
    expect(await page.getByRole('button', { name: 'Save' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(170, 51, 0)');
    expect(await page.locator('.brand').textContent()).toContain('Org Branded');
    await shoot(page, 'settings');

    await page.goto(`/settings/members/?t=${slug}`);
    await page.waitForSelector('tr[data-member]');
    expect(await page.locator('[data-guard]').first().textContent()).toBe('you cannot change or remove yourself here');
    expect(await page.locator('tr[data-member] select').first().isDisabled()).toBe(true);
    await shoot(page, 'members');

    await page.goto(`/settings/tokens/?t=${slug}`);
    await page.getByText('No API tokens.').waitFor();
    await page.getByLabel('Token name').fill('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByTestId('token-once').waitFor();
    const token = (await page.locator('[data-testid=token-once] pre').textContent()) ?? '';
    expect(token).toMatch(/^berth_/);
    const viaToken = await fetch(`${stack.url}/api/v1/tenants/${slug}`, { headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.status).toBe(200);
    await shoot(page, 'tokens');
    await page.reload();
    await page.waitForSelector('td:text-is("ci")');
    expect(await page.content()).not.toContain(token);

    await page.goto(`/settings/quota/?t=${slug}`);
    await page.getByText('Replicas: 0 of 10').waitFor();
    // Usage over time comes from the recorded history, drawn against the quota with a table fallback.
    await page.getByRole('img', { name: /Replicas over time against the replica quota/ }).waitFor();
    expect(await page.locator('[data-testid=usage-replicas] tbody tr').count()).toBeGreaterThanOrEqual(24);
    await shoot(page, 'quota');
    await page.goto(`/settings/clusters/?t=${slug}`);
    await page.getByText('1 of 1 agents online').waitFor();
    await shoot(page, 'clusters');
    expect(errors).toEqual([]);
  });

  it('lets the owner delete the tenant after a confirmation, and its running agent service is removed from the swarm', async () => {
    const { owner, slug } = await ownerWithTenant('gone');
    await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'doomed', image: 'berth-test/busybox:1' });
    await expect.poll(async () => (await owner.json<{ status: string }>('GET', `/api/v1/tenants/${slug}/agents/doomed`, 200)).status, { timeout: 60_000 }).toBe('running');
    const { page, errors } = await openAs(owner, `/settings/?t=${slug}`);
    await page.getByRole('button', { name: 'Delete tenant' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Its agent services are removed from every cluster.').waitFor();
    await dialog.getByRole('button', { name: 'Delete gone tenant' }).click();
    await page.getByText('This tenant is being deleted').waitFor();
    expect(await page.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    expect(await page.locator('.shell select option:checked').textContent()).toBe('gone tenant (being deleted)');
    await shoot(page, 'tenant-deleting');
    expect((await owner.json<{ status: string }>('GET', `/api/v1/tenants/${slug}`, 200)).status).toBe('deleting');
    // The real agent removed it from the swarm and reported so.
    await expect.poll(async () => (await owner.json<{ status: string }>('GET', `/api/v1/tenants/${slug}/agents/doomed`, 200)).status, { timeout: 60_000 }).toBe('removed');
    // Writes are refused from now on.
    await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 409, { name: 'another', image: 'berth-test/busybox:1' });
    expect(errors).toEqual([]);
  });

  it('takes a user from request-to-join through waiting to approved, and another through an invitation', async () => {
    const { owner, slug } = await ownerWithTenant('team');
    const joiner = await stack.signUp(`joiner-${suffix()}@e2e.test`);
    const { page: joinPage, errors } = await openAs(joiner, '/tenants/');
    await joinPage.getByLabel('Tenant slug').fill(slug);
    await joinPage.getByRole('button', { name: 'Request to join' }).click();
    await joinPage.waitForURL(`**/waiting/?t=${slug}`);
    await joinPage.getByText('Waiting for approval').waitFor();
    await shoot(joinPage, 'waiting');

    const { page: admin } = await openAs(owner, `/settings/members/?t=${slug}`);
    await admin.getByRole('button', { name: /^Approve joiner-/ }).click();
    await admin.waitForSelector(`tr[data-member^="joiner-"]`);
    await joinPage.waitForURL(`**/agents/?t=${slug}`, { timeout: 20_000 });

    const invitee = await stack.signUp(`invitee-${suffix()}@e2e.test`);
    const email = (await invitee.json<{ email: string }>('GET', '/api/v1/me', 200)).email;
    await admin.getByLabel('Email').fill(email);
    await admin.getByRole('button', { name: 'Invite' }).click();
    await admin.getByText(`${email} as viewer`).waitFor();
    const { page: invitePage } = await openAs(invitee, '/tenants/');
    await invitePage.getByRole('button', { name: 'Accept invitation to team tenant' }).click();
    await invitePage.waitForURL(`**/agents/?t=${slug}`);
    await invitePage.waitForSelector('.shell[data-ready="yes"]');
    expect(await invitePage.locator('#tenant-switch option:checked').textContent()).toBe('team tenant');
    expect(errors).toEqual([]);
  });

  it('pages through users as a platform admin, never offers self-deactivation, and stays on the page after deactivating', async () => {
    for (let i = 0; i < 12; i++) await stack.signUp(`paged-${i}-${suffix()}@e2e.test`);
    const { total } = await stack.admin.json<{ total: number }>('GET', '/api/v1/admin/users?page=1&limit=10', 200);
    const pages = Math.ceil(total / 10);
    const { page, errors } = await openAs(stack.admin, '/admin/users/');
    await page.getByTestId('page-label').waitFor();
    expect(await page.getByTestId('page-label').textContent()).toBe(`Page 1 of ${pages}`);
    expect(await page.locator('tr[data-user="admin@swarm.test"]').textContent()).toContain('you cannot deactivate yourself');
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await shoot(page, 'admin-users');
    for (let p = 2; p <= pages; p++) {
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForSelector(`[data-testid=page-label]:text-is("Page ${p} of ${pages}")`);
    }
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    const victim = page.locator('tr[data-user] button.danger').first();
    const label = (await victim.textContent()) ?? '';
    await victim.click();
    const email = label.replace('Deactivate ', '');
    await page.waitForSelector(`tr[data-user="${email}"] .badge:text-is("deactivated")`);
    expect(await page.getByTestId('page-label').textContent()).toBe(`Page ${pages} of ${pages}`);
    await page.getByRole('button', { name: `Reactivate ${email}` }).click();
    await page.waitForSelector(`tr[data-user="${email}"] .badge:text-is("active")`);

    const { owner: quotaOwner, slug } = await ownerWithTenant('quota');
    await page.goto('/admin/quotas/');
    await page.waitForSelector('.shell[data-ready="yes"]');
    await page.getByLabel('Tenant slug').fill(slug);
    await page.getByLabel('Total replicas').fill('');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.locator('#q-maxTotalReplicas-error').waitFor();
    await page.getByLabel('Total replicas').fill('20');
    await page.getByRole('button', { name: 'Save quota' }).click();
    await page.getByText(`Saved the quota of ${slug}.`).waitFor();
    expect((await quotaOwner.json<{ maxTotalReplicas: number }>('GET', `/api/v1/tenants/${slug}/quota`, 200)).maxTotalReplicas).toBe(20);
    await shoot(page, 'admin-quotas');

    await page.goto('/admin/clusters/');
    await page.getByText('1 of 1 agents online').waitFor();
    await shoot(page, 'admin-clusters');
    await page.goto('/admin/audit/');
    await page.getByTestId('chain-verified').waitFor();
    await shoot(page, 'admin-audit');
    expect(errors).toEqual([]);
  });
});
