import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { signUpAll } from '../support/expect-json.ts';
import { secretsFor, tenantsOf, type Model, type ModelUser } from './tenant-model.ts';
import { credentials, GHOST_EMAIL, opArbitraries, plan, type Op } from './tenant-ops.ts';

/*
 * Random sequences of tenant operations by random callers (several users, every token ever
 * minted, anonymous), with ids and slugs drawn from ANY tenant — including other tenants',
 * revoked tokens and decided requests. Every answer is checked against a small model: the
 * status (and error code) it predicts, a success body that matches it, no 2xx on a tenant the
 * caller is not in (asking to join aside), and no id, slug, email or token secret in any body
 * that the caller has no business knowing.
 */

const SEED = Number(process.env.BERTH_PROPERTY_SEED ?? Date.now() % 2 ** 31);
const NUM_RUNS = 100;
const MAX_COMMANDS = 300;
const MIN_REQUESTS = 10_000;

interface Real {
  h: Harness;
  requests: number;
  /** Answers per operation and status, printed at the end to show what the runs exercised. */
  outcomes: Map<string, number>;
}

class Call implements fc.AsyncCommand<Model, Real> {
  constructor(readonly op: Op) {}
  check = () => true;

  async run(model: Model, real: Real): Promise<void> {
    const step = plan(model, this.op);
    const before = tenantsOf(model, step.actor);
    const secretTokens = model.tokens.map((k) => k.secret);
    const res = await real.h.call(step.method, step.path, { ...credentials(step.actor), ...(step.body !== undefined ? { body: step.body } : {}) });
    real.requests++;
    const key = `${this.op.kind} ${res.status}`;
    real.outcomes.set(key, (real.outcomes.get(key) ?? 0) + 1);
    const text = await res.text();
    const where = `${this.toString()} → ${step.method} ${step.path} ${res.status} ${text.slice(0, 300)}`;

    expect(res.status, where).toBe(step.predicted.status);
    const json: unknown = text ? JSON.parse(text) : null;
    if (step.predicted.code) expect(json, where).toMatchObject({ error: { code: step.predicted.code } });

    const tenantId = /^\/api\/v1\/tenants\/[^/]+/.test(step.path) ? step.tenantId : undefined;
    if (res.ok && tenantId && this.op.kind !== 'join.create') expect(before.has(tenantId), `2xx outside the caller's tenants: ${where}`).toBe(true);
    if (res.ok) step.accept(json);

    const visible = new Set([...before, ...tenantsOf(model, step.actor), ...step.alsoVisible]);
    const universe = [...model.users.map((u) => u.email), GHOST_EMAIL];
    const leaked = [...secretsFor(model, step.actor, visible, universe), ...secretTokens].filter((s) => text.includes(s));
    expect(leaked, `leak: ${where}`).toEqual([]);
  }

  toString() {
    return JSON.stringify(this.op);
  }
}

/** Creating tenants is rarer than using them, so each run keeps a handful to cross between. */
const commands = [
  fc.oneof(
    ...Object.entries(opArbitraries).map(([kind, arb]) => ({ arbitrary: (arb as fc.Arbitrary<Op>).map((op) => new Call(op)), weight: kind === 'tenant.create' ? 1 : 3 })),
  ),
];

/** A fresh set of tenants per run; the users and their sessions are kept (password hashing is slow). */
async function wipeTenants(h: Harness) {
  await h.client.batch(
    ['DELETE FROM join_request', 'DELETE FROM invitation', 'DELETE FROM api_token', 'DELETE FROM membership', 'DELETE FROM tenant_quota', 'DELETE FROM tenant'],
    'write',
  );
}

describe('cross-tenant isolation under random operations', () => {
  let h: Harness;
  let users: ModelUser[];
  beforeAll(async () => {
    h = await createHarness();
    const [signedUp, admin] = await Promise.all([
      signUpAll(h, { ana: 'ana@one.test', ben: 'ben@two.test', cai: 'cai@three.test', dee: 'dee@four.test' }),
      h.setupAdmin('root@platform.test'),
    ]);
    users = [...Object.values(signedUp), admin].map((u) => {
      if (!u.cookie) throw new Error(`no session for ${u.email}`);
      return { userId: u.userId, email: u.email, cookie: u.cookie };
    });
  });
  afterAll(() => h.close());

  it(`never lets a caller read or change another tenant (at least ${MIN_REQUESTS} requests)`, { timeout: 300_000 }, async () => {
    console.log(`cross-tenant property: seed ${SEED} (replay with BERTH_PROPERTY_SEED=${SEED})`);
    const real: Real = { h, requests: 0, outcomes: new Map() };
    const started = Date.now();
    const setup = async () => {
      await wipeTenants(h);
      const model: Model = { users, tenants: [], invitations: [], joinRequests: [], tokens: [] };
      // Three tenants with different owners to start from; the commands grow the rest.
      for (let i = 0; i < 3; i++) await new Call({ kind: 'tenant.create', actor: i, reuse: null }).run(model, real);
      return { model, real };
    };
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' }), (cmds) => fc.asyncModelRun(setup, cmds)),
      { seed: SEED, numRuns: NUM_RUNS, interruptAfterTimeLimit: 240_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`cross-tenant property: ${real.requests} requests in ${seconds.toFixed(1)} s`);
    console.log([...real.outcomes].sort().map(([k, n]) => `${k}: ${n}`).join(', '));
    expect(real.requests).toBeGreaterThanOrEqual(MIN_REQUESTS);
  });
});
