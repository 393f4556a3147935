import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStack, sweepTenant, PASSWORD, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { contextAs, launch, SCREENSHOTS, shoot, watchErrors } from './browser.ts';

let stack: Stack;
let browser: Browser;
const tenantIds: string[] = [];
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
  for (const id of tenantIds) sweepTenant(id);
  await stack?.stop();
});

/** A signed-up user who owns a fresh tenant (state built through the API, not the UI). */
async function ownerWithTenant(label: string): Promise<{ owner: Client; slug: string; id: string }> {
  const owner = await stack.signUp(`${label}-${suffix()}@e2e.test`);
  const slug = `${label}-${suffix()}`;
  const t = await owner.json<{ id: string }>('POST', '/api/v1/tenants', 201, { name: `${label} tenant`, slug });
  tenantIds.push(t.id);
  return { owner, slug, id: t.id };
}

async function openAs(client: Client, path: string): Promise<{ page: Page; errors: string[] }> {
  const ctx = await contextAs(browser, stack.url, client);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(path);
  await page.waitForSelector('.shell[data-ready="yes"]');
  return { page, errors };
}

/** Records every status the details page's badge shows; the record only survives if the page is never reloaded. */
async function recordStatuses(page: Page) {
  await page.waitForSelector('[data-testid=agent-status] [data-status]');
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { berthSeen: seen });
    const record = () => {
      const s = document.querySelector('[data-testid=agent-status] [data-status]')?.getAttribute('data-status');
      if (s && seen[seen.length - 1] !== s) seen.push(s);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  return async (): Promise<unknown> => page.evaluate(() => Reflect.get(window, 'berthSeen'));
}

async function wizard(page: Page, spec: { name: string; image: string; command: string }) {
  await page.getByLabel('Service name').fill(spec.name);
  await page.getByLabel('Image', { exact: true }).fill(spec.image);
  await page.getByLabel('Command (optional)').fill(spec.command);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
}

describe('the Berth UI against the real edge, agent and swarm', () => {
  it('lets a new user register and create a tenant', async () => {
    const ctx = await contextAs(browser, stack.url);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const email = `new-${suffix()}@e2e.test`;
    await page.goto('/');
    await page.waitForURL('**/sign-in/**');
    await page.getByRole('link', { name: 'Create one' }).click();
    await page.waitForURL('**/sign-up/');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('give your name').waitFor();
    await shoot(page, 'sign-up');
    await page.getByLabel('Name').fill('New Person');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/tenants/');
    await page.waitForSelector('.shell[data-ready="yes"]');
    await page.getByText('You do not belong to a tenant yet').waitFor();
    await shoot(page, 'tenants');

    const slug = `newco-${suffix()}`;
    await page.getByLabel('Name', { exact: true }).fill('NewCo');
    await page.getByLabel('Slug (used in URLs)').fill('-bad-');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByText('use 3–40 lower-case letters, digits or dashes').waitFor();
    await page.getByLabel('Slug (used in URLs)').fill(slug);
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.waitForURL(`**/agents/?t=${slug}`);
    await page.getByText('No agent services yet').waitFor();
    expect(await page.locator('#tenant-switch option:checked').textContent()).toBe('NewCo');
    await shoot(page, 'agents-empty');

    const me = await (await page.request.get('/api/v1/tenants')).json();
    expect(me.items.map((t: { slug: string }) => t.slug)).toEqual([slug]);
    tenantIds.push(me.items[0].id);
    expect(errors).toEqual([]);
  });

  it('spawns an agent service from the wizard and shows pending → running live, and a bad image as failed', async () => {
    const { owner, slug } = await ownerWithTenant('spawn');
    const { page, errors } = await openAs(owner, `/agents/new/?t=${slug}`);

    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByText('give the service a name').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-name');
    await page.getByLabel('Image', { exact: true }).fill('Not An Image');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByText('use a Docker image reference').waitFor();
    await shoot(page, 'wizard-errors');

    await wizard(page, { name: 'web', image: 'berth-test/busybox:1', command: 'httpd -f -p 8080' });
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable 1', { exact: true }).fill('PORT');
    await page.getByLabel('Value 1', { exact: true }).fill('8080');
    await page.getByRole('button', { name: 'Add secret name' }).click();
    await page.getByLabel('Secret name 1', { exact: true }).fill('API_TOKEN');
    await page.getByLabel('Secret value 1', { exact: true }).fill('s3cret-value-e2e');
    expect(await page.getByLabel('Secret value 1', { exact: true }).getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    await page.getByTestId('quota-left').waitFor().catch(async (err: unknown) => {
      await shoot(page, 'debug-quota');
      throw err;
    });
    expect(await page.getByTestId('quota-left').textContent()).toContain('10 replicas');
    await page.getByLabel('Replicas').fill('11');
    await page.getByText('only 10 replica(s) left in the quota').waitFor();
    await page.getByLabel('Replicas').fill('1');
    await page.getByLabel('CPU per replica (cores)').fill('0.1');
    await page.getByLabel('Memory per replica (MiB)').fill('64');
    await shoot(page, 'wizard-resources');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByTestId('review').waitFor();
    const review = await page.getByTestId('review').textContent();
    expect(review).toContain('API_TOKEN (value hidden)');
    expect(await page.content()).not.toContain('s3cret-value-e2e');
    await shoot(page, 'wizard-review');
    await page.getByRole('button', { name: 'Create agent service' }).click();

    await page.waitForURL('**/agents/detail/**');
    const seen = await recordStatuses(page);
    await page.waitForSelector('[data-testid=agent-status] [data-status=running]', { timeout: 90_000 });
    const statuses = await seen();
    expect(Array.isArray(statuses)).toBe(true);
    expect(statuses).toContain('running');
    expect(['pending', 'deploying']).toContain((statuses as string[])[0]);
    expect(await page.getByText('API_TOKEN').count()).toBeGreaterThan(0);
    await page.waitForSelector('text=No tasks reported yet.', { state: 'detached', timeout: 20_000 });
    await shoot(page, 'agent-running');

    await page.goto(`/agents/?t=${slug}`);
    await page.waitForSelector('tr[data-agent="web"] [data-status="running"]');
    await shoot(page, 'agents-list');

    await page.goto(`/agents/new/?t=${slug}`);
    await page.waitForSelector('.shell[data-ready="yes"]');
    await wizard(page, { name: 'broken', image: 'berth-test/busybox:missing', command: 'sleep 60' });
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Create agent service' }).click();
    await page.waitForURL('**/agents/detail/**');
    const seenBroken = await recordStatuses(page);
    await page.waitForSelector('[data-testid=agent-status] [data-status=failed]', { timeout: 90_000 });
    expect(await seenBroken()).toContain('failed');
    expect((await page.getByTestId('status-reason').textContent())?.length).toBeGreaterThan(0);
    await shoot(page, 'agent-failed');
    expect(errors).toEqual([]);
  });

  it('shows a member of tenant B nothing of tenant A and refuses acting on it by URL', async () => {
    const a = await ownerWithTenant('alpha');
    const svc = await a.owner.json<{ id: string }>('POST', `/api/v1/tenants/${a.slug}/agents`, 202, { name: 'secret-a', image: 'berth-test/busybox:1', command: ['sleep', '3600'], replicas: 1, limits: { cpu: 0.1, memoryMb: 32 } });
    const b = await ownerWithTenant('bravo');
    const { page, errors } = await openAs(b.owner, `/agents/?t=${b.slug}`);
    await page.getByText('No agent services yet').waitFor();
    const options = await page.locator('#tenant-switch option').allTextContents();
    expect(options).toEqual(['bravo tenant']);

    for (const path of [`/agents/?t=${a.slug}`, `/agents/detail/?t=${a.slug}&a=${svc.id}`, `/audit/?t=${a.slug}`, `/settings/members/?t=${a.slug}`]) {
      await page.goto(path);
      await page.waitForSelector('[data-state="error"]');
      expect(await page.locator('[data-state="error"]').first().getAttribute('data-code')).toBe('NOT_FOUND');
      const html = await page.content();
      expect(html).not.toContain('secret-a');
      expect(html).not.toContain('alpha tenant');
      expect(await page.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(0);
    }
    await shoot(page, 'other-tenant-not-found');

    const byUrl = await page.evaluate(async ([slug, id]) => {
      const stop = await fetch(`/api/v1/tenants/${slug}/agents/${id}/stop`, { method: 'POST' });
      const remove = await fetch(`/api/v1/tenants/${slug}/agents/${id}`, { method: 'DELETE' });
      return [stop.status, remove.status];
    }, [a.slug, svc.id] as const);
    expect(byUrl).toEqual([404, 404]);
    const still = await a.owner.json<{ status: string; replicas: number }>('GET', `/api/v1/tenants/${a.slug}/agents/${svc.id}`, 200);
    expect(still.replicas).toBe(1);
    expect(['stopped', 'removing', 'removed']).not.toContain(still.status);
    expect(errors).toEqual([]);
  });

  it('runs actions optimistically, rolls a refused one back visibly, and shows them all in the audit viewer', async () => {
    const { owner, slug } = await ownerWithTenant('ops');
    const svc = await owner.json<{ id: string }>('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'worker', image: 'berth-test/busybox:1', command: ['sleep', '3600'], replicas: 1, limits: { cpu: 0.1, memoryMb: 32 } });
    const { page, errors } = await openAs(owner, `/agents/detail/?t=${slug}&a=${svc.id}`);
    await page.waitForSelector('[data-testid=agent-status] [data-status]');

    await page.getByLabel('Replicas').fill('50');
    await page.getByRole('button', { name: 'Scale', exact: true }).click();
    await page.getByTestId('op-failed').waitFor();
    expect(await page.getByTestId('op-failed').textContent()).toContain('Could not scale to 50');
    expect(await page.getByTestId('replicas').textContent()).toBe('1');
    await shoot(page, 'agent-rollback');

    await page.getByLabel('Replicas').fill('2');
    await page.getByRole('button', { name: 'Scale', exact: true }).click();
    await page.waitForSelector('[data-testid=replicas]:text-is("2")');
    await page.getByTestId('op-failed').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Restart', exact: true }).click();
    await page.waitForSelector('button:text-is("Restart"):not([disabled])');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.waitForSelector('[data-testid=agent-status] [data-status=stopped]');
    await page.waitForSelector('button:text-is("Start"):not([disabled])');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForSelector('button:text-is("Stop"):not([disabled])', { timeout: 60_000 }).catch(async (err: unknown) => {
      await shoot(page, 'debug-start');
      throw err;
    });
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('dialog').waitFor();
    await page.getByRole('button', { name: 'Remove worker' }).click();
    await page.waitForSelector('[data-testid=agent-status] [data-status=removing], [data-testid=agent-status] [data-status=removed]');

    await page.goto(`/audit/?t=${slug}`);
    await page.getByTestId('chain-verified').waitFor();
    await page.getByTestId('audit-table').waitFor();
    const actions = await page.locator('tr[data-action]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    for (const action of ['tenant.create', 'agent-service.create', 'agent-service.scale', 'agent-service.restart', 'agent-service.stop', 'agent-service.start', 'agent-service.remove']) expect(actions).toContain(action);
    await shoot(page, 'audit');

    await page.getByLabel('Action').fill('agent-service.scale');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('tr[data-action]')].every((r) => r.getAttribute('data-action') === 'agent-service.scale'));
    const exportHref = await page.getByRole('link', { name: 'Export (NDJSON)' }).getAttribute('href');
    expect(exportHref).toBe(`/api/v1/tenants/${slug}/audit/export`);
    const exported = await page.evaluate(async (href) => (await fetch(href)).text(), exportHref ?? '');
    expect(exported.trim().split('\n').length).toBeGreaterThanOrEqual(7);
    expect(errors).toEqual([]);
  });
});
