import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthProviders, ErrorEnvelope, Invitation, RegistrationPolicy, Tenant } from '@berth/protocol';
import { startWorker, type Caller, type WorkerHarness } from './worker-harness.ts';

/** The registration policy on D1: stored by an upsert into platform_state, enforced on sign-up. */
describe('the registration policy on Workers (workerd, D1)', () => {
  let w: WorkerHarness;
  let admin: Caller & { userId: string };

  beforeAll(async () => {
    w = await startWorker();
    admin = await w.setupAdmin();
  });
  afterAll(() => w?.close());

  const signUp = (email: string) => w.call('POST', '/api/auth/sign-up/email', { body: { email, password: 'correct-horse-battery', name: 'Someone' } });

  it('changes mode twice (insert, then update) and enforces each', async () => {
    expect(await w.json(RegistrationPolicy, 'PUT', '/api/v1/platform/registration', 200, { ...admin, body: { mode: 'closed' } })).toEqual({ mode: 'closed' });
    const closed = await signUp('nobody@workers.test');
    expect(closed.status).toBe(403);
    expect(ErrorEnvelope.parse(await closed.json()).error.code).toBe('REGISTRATION_CLOSED');

    expect(await w.json(RegistrationPolicy, 'PUT', '/api/v1/platform/registration', 200, { ...admin, body: { mode: 'invite-only' } })).toEqual({ mode: 'invite-only' });
    expect(await w.json(AuthProviders, 'GET', '/api/v1/auth/providers', 200)).toMatchObject({ registration: 'invite-only' });
    const t = await w.json(Tenant, 'POST', '/api/v1/tenants', 201, { ...admin, body: { name: 'Host', slug: 'workers-host' } });
    await w.json(Invitation, 'POST', `/api/v1/tenants/${t.id}/invitations`, 201, { ...admin, body: { email: 'guest@workers.test', role: 'viewer' } });
    const uninvited = await signUp('stranger@workers.test');
    expect(uninvited.status).toBe(403);
    expect(ErrorEnvelope.parse(await uninvited.json()).error.code).toBe('REGISTRATION_INVITE_ONLY');
    expect((await signUp('guest@workers.test')).status).toBe(200);

    const denied = await w.call('PUT', '/api/v1/platform/registration', { body: { mode: 'open' } });
    expect(denied.status).toBe(401);
    expect(await w.json(RegistrationPolicy, 'GET', '/api/v1/platform/registration', 200, admin)).toEqual({ mode: 'invite-only' });
  });
});
