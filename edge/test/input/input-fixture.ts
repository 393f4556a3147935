import type { RawEnv } from '../../src/config.ts';
import { Invitation, JoinRequest, Tenant } from '@berth/protocol';
import { createHarness, SETUP_TOKEN, type Caller, type Harness } from '../support/harness.ts';
import { expectJson, signUpAll } from '../support/expect-json.ts';

/** A route that takes a JSON body, a caller allowed to call it, and a body it accepts. */
export interface BodyRoute {
  name: string;
  method: string;
  path: string;
  as: Caller;
  valid: Record<string, unknown>;
}

export interface InputWorld {
  h: Harness;
  routes: BodyRoute[];
  tenantId: string;
}

/** A tenant with a second member and a pending join request, and every body-taking route on it. */
export async function inputWorld(env: RawEnv = {}): Promise<InputWorld> {
  const h = await createHarness(env);
  const [{ owner, bob, visitor }, admin] = await Promise.all([
    signUpAll(h, { owner: 'owner@input.test', bob: 'bob@input.test', visitor: 'visitor@input.test' }),
    h.setupAdmin('root@input.test'),
  ]);
  const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Inputs', slug: 'inputs' } });
  const inv = await expectJson(h, Invitation, 'POST', `/api/v1/tenants/${t.id}/invitations`, 201, { cookie: owner.cookie, body: { email: bob.email, role: 'viewer' } });
  await expectJson(h, Invitation, 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, { cookie: bob.cookie });
  const jr = await expectJson(h, JoinRequest, 'POST', `/api/v1/tenants/${t.id}/join-requests`, 201, { cookie: visitor.cookie, body: {} });
  const T = `/api/v1/tenants/${t.id}`;
  const routes: BodyRoute[] = [
    { name: 'create tenant', method: 'POST', path: '/api/v1/tenants', as: owner, valid: { name: 'Other', slug: 'other-one' } },
    { name: 'patch tenant', method: 'PATCH', path: T, as: owner, valid: { name: 'Renamed' } },
    { name: 'patch member', method: 'PATCH', path: `${T}/members/${bob.userId}`, as: owner, valid: { role: 'operator' } },
    { name: 'create invitation', method: 'POST', path: `${T}/invitations`, as: owner, valid: { email: 'new@input.test', role: 'viewer' } },
    { name: 'ask to join', method: 'POST', path: `${T}/join-requests`, as: admin, valid: { message: 'hi' } },
    { name: 'approve join request', method: 'POST', path: `${T}/join-requests/${jr.id}/approve`, as: owner, valid: { role: 'viewer' } },
    { name: 'create token', method: 'POST', path: `${T}/tokens`, as: owner, valid: { name: 'ci', role: 'viewer' } },
    { name: 'put quota', method: 'PUT', path: `${T}/quota`, as: admin, valid: { maxAgentServices: 1, maxTotalReplicas: 1, maxCpuCores: 1, maxMemoryMb: 64 } },
    { name: 'setup', method: 'POST', path: '/api/v1/setup', as: {}, valid: { token: SETUP_TOKEN, email: 'second@input.test', password: 'long-enough-pw', name: 'Second' } },
  ];
  return { h, routes, tenantId: t.id };
}

const TABLES: Record<string, string> = {
  tenant: 'SELECT * FROM tenant ORDER BY id',
  membership: 'SELECT * FROM membership ORDER BY tenant_id, user_id',
  invitation: 'SELECT * FROM invitation ORDER BY id',
  join_request: 'SELECT * FROM join_request ORDER BY id',
  api_token: 'SELECT * FROM api_token ORDER BY id',
  tenant_quota: 'SELECT * FROM tenant_quota ORDER BY tenant_id',
  user: 'SELECT id, email, platform_role, deactivated_at FROM user ORDER BY id',
  platform_state: 'SELECT * FROM platform_state ORDER BY key',
  audit_log: 'SELECT id, chain, seq, hash FROM audit_log ORDER BY rowid',
};

/** Everything a refused request must leave as it was: tenants, members, grants, users and the audit chains. */
export async function snapshot(h: Harness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) out[name] = (await h.client.execute(sql)).rows.map((r) => ({ ...r }));
  return out;
}
