import fc from 'fast-check';
import { expect } from 'vitest';
import { z } from 'zod';
import { ApiToken, AuditEntry, CreatedApiToken, Invitation, JoinRequest, Member, Quota, Role, Tenant, UsageHistory } from '@berth/protocol';
import {
  admit,
  tenantsOf,
  ownerCount,
  outranks,
  type Access,
  type Actor,
  type Model,
  type ModelInvitation,
  type ModelJoinRequest,
  type ModelTenant,
  type ModelToken,
  type Prediction,
} from './tenant-model.ts';

/**
 * A tenant by position: among the caller's own tenants (`mine`) or among all of them, where one
 * past the end names a tenant that does not exist; addressed by id or by slug.
 */
const TenantPick = fc.record({ index: fc.nat(), bySlug: fc.boolean(), mine: fc.boolean() });
interface TenantPick {
  index: number;
  bySlug: boolean;
  mine: boolean;
}
/** An invitation, request or token by position: among the chosen tenant's (`local`) or anyone's. */
const ItemPick = fc.record({ index: fc.nat(), local: fc.boolean() });
interface ItemPick {
  index: number;
  local: boolean;
}

const role = fc.constantFrom(...Role.options);
type Fields<R> = { [F in keyof R]: R[F] extends fc.Arbitrary<infer V> ? V : never };
const op = <K extends string, R extends Record<string, fc.Arbitrary<unknown>>>(kind: K, fields: R) =>
  fc.record({ kind: fc.constant(kind), actor: fc.nat(), ...fields }) as fc.Arbitrary<{ kind: K; actor: number } & Fields<R>>;

/** Operations as plain data; every reference is an index resolved against the model at run time. */
export const opArbitraries = {
  'tenant.create': op('tenant.create', { reuse: fc.option(fc.nat(), { freq: 4 }) }),
  'tenant.mine': op('tenant.mine', {}),
  'tenant.get': op('tenant.get', { tenant: TenantPick }),
  'tenant.patch': op('tenant.patch', { tenant: TenantPick, name: fc.nat(999) }),
  'member.list': op('member.list', { tenant: TenantPick }),
  'member.patch': op('member.patch', { tenant: TenantPick, user: ItemPick, role }),
  'member.remove': op('member.remove', { tenant: TenantPick, user: ItemPick }),
  'invitation.create': op('invitation.create', { tenant: TenantPick, email: fc.nat(), role }),
  'invitation.list': op('invitation.list', { tenant: TenantPick }),
  'invitation.revoke': op('invitation.revoke', { tenant: TenantPick, invitation: ItemPick }),
  'invitation.accept': op('invitation.accept', { invitation: ItemPick }),
  'invitation.mine': op('invitation.mine', {}),
  'join.create': op('join.create', { tenant: TenantPick }),
  'join.list': op('join.list', { tenant: TenantPick }),
  'join.approve': op('join.approve', { tenant: TenantPick, request: ItemPick, role }),
  'join.reject': op('join.reject', { tenant: TenantPick, request: ItemPick }),
  'token.create': op('token.create', { tenant: TenantPick, role }),
  'token.list': op('token.list', { tenant: TenantPick }),
  'token.revoke': op('token.revoke', { tenant: TenantPick, token: ItemPick }),
  'quota.get': op('quota.get', { tenant: TenantPick }),
  'usage.history': op('usage.history', { tenant: TenantPick }),
  'audit.list': op('audit.list', { tenant: TenantPick }),
};
type Arbs = typeof opArbitraries;
export type Op = { [K in keyof Arbs]: Arbs[K] extends fc.Arbitrary<infer T> ? T : never }[keyof Arbs];

/** One past the end of the list picks nothing: a reference that does not exist. */
function pick<T>(list: readonly T[], n: number): T | undefined {
  return list[n % (list.length + 1)];
}

export const GHOST_EMAIL = 'ghost@nobody.test';
const BOGUS = '00000000-0000-4000-8000-000000000000';

function actorOf(model: Model, n: number): Actor {
  const i = n % (model.users.length + model.tokens.length + 1);
  const user = model.users[i];
  if (user) return { kind: 'user', user };
  const token = model.tokens[i - model.users.length];
  return token ? { kind: 'token', token } : { kind: 'anonymous' };
}

export function credentials(actor: Actor): { cookie?: string; token?: string } {
  if (actor.kind === 'user') return { cookie: actor.user.cookie };
  if (actor.kind === 'token') return { token: actor.token.secret };
  return {};
}

/** A concrete request, what the model predicts for it, and what a success must look like. */
export interface Step {
  actor: Actor;
  /** The existing tenant named in the path, if any. */
  tenantId: string | undefined;
  method: string;
  path: string;
  body?: unknown;
  predicted: Prediction;
  /** Tenants the caller may legitimately see in this answer beyond its memberships. */
  alsoVisible: string[];
  /** Checks a 2xx answer against the model and brings the model up to date. */
  accept(json: unknown): void;
}

let slugCounter = 0;
const freshSlug = () => `ts-${Math.random().toString(36).slice(2, 8)}-${(++slugCounter).toString(36)}`;

const member = (min: Role, tokens = true): Access => ({ kind: 'member', min, tokens });
const sortBy = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));

/** Resolves `op` against the model into a request with its predicted answer. */
export function plan(model: Model, op: Op): Step {
  const actor = actorOf(model, op.actor);
  const gate = (a: Actor, access: Access, tenant: ModelTenant | undefined) => admit(model, a, access, tenant);
  const me = actor.kind === 'user' ? actor.user : undefined;
  const callerId = actor.kind === 'user' ? actor.user.userId : actor.kind === 'token' ? actor.token.id : null;
  const tPick: TenantPick | undefined = 'tenant' in op ? op.tenant : undefined;
  const mine = tenantsOf(model, actor);
  const t = !tPick
    ? undefined
    : tPick.mine && mine.size > 0
      ? model.tenants.filter((x) => mine.has(x.id))[tPick.index % mine.size]
      : pick(model.tenants, tPick.index);
  const ref = t ? (tPick?.bySlug ? t.slug : t.id) : 'no-such-tenant';
  const base = `/api/v1/tenants/${encodeURIComponent(ref)}`;
  const step = (s: Omit<Step, 'actor' | 'tenantId' | 'alsoVisible'> & { alsoVisible?: string[] }): Step => ({ actor, tenantId: t?.id, alsoVisible: [], ...s });
  const inTenant = <X extends { tenantId: string }>(x: X | undefined): X | undefined => (x && t && x.tenantId === t.id ? x : undefined);
  /** Any item of the model, or (local) one of the chosen tenant's; one past the end is none. */
  const pickItem = <X extends { tenantId: string }>(all: X[], p: ItemPick, local = (x: X) => x.tenantId === t?.id): X | undefined =>
    pick(p.local ? all.filter(local) : all, p.index);
  const tenantOf = (id: string) => model.tenants.find((x) => x.id === id) as ModelTenant;

  switch (op.kind) {
    case 'tenant.create': {
      const reused = typeof op.reuse === 'number' ? pick(model.tenants, op.reuse) : undefined;
      const slug = reused?.slug ?? freshSlug();
      const g = gate(actor, { kind: 'user' }, undefined);
      const predicted = g.status !== 200 ? g : reused ? { status: 409, code: 'SLUG_TAKEN' } : { status: 201 };
      return step({
        method: 'POST',
        path: '/api/v1/tenants',
        body: { name: `Made ${slugCounter}`, slug },
        predicted,
        accept(json) {
          const body = Tenant.parse(json);
          expect(body).toMatchObject({ slug, role: 'owner', status: 'active' });
          model.tenants.push({ id: body.id, slug, name: body.name, members: new Map([[me!.userId, 'owner']]), seenEmails: new Set([me!.email]) });
        },
      });
    }
    case 'tenant.mine': {
      return step({
        method: 'GET',
        path: '/api/v1/tenants',
        predicted: gate(actor, { kind: 'user' }, undefined),
        accept(json) {
          const items = z.object({ items: z.array(Tenant) }).parse(json).items;
          const expected = model.tenants.filter((x) => x.members.has(me!.userId)).map((x) => [x.id, x.members.get(me!.userId)]);
          expect(sortBy(items.map((i) => [i.id, i.role]), (x) => x[0] ?? '')).toEqual(sortBy(expected, (x) => String(x[0])));
        },
      });
    }
    case 'tenant.get': {
      const g = gate(actor, member('viewer'), t);
      return step({
        method: 'GET',
        path: base,
        predicted: g,
        accept(json) {
          expect(Tenant.parse(json)).toMatchObject({ id: t!.id, slug: t!.slug, name: t!.name, role: g.role });
        },
      });
    }
    case 'tenant.patch': {
      const name = `Renamed ${op.name}`;
      return step({
        method: 'PATCH',
        path: base,
        body: { name },
        predicted: gate(actor, member('admin'), t),
        accept(json) {
          expect(Tenant.parse(json)).toMatchObject({ id: t!.id, name });
          t!.name = name;
        },
      });
    }
    case 'member.list': {
      return step({
        method: 'GET',
        path: `${base}/members`,
        predicted: gate(actor, member('viewer'), t),
        accept(json) {
          const items = z.object({ items: z.array(Member) }).parse(json).items;
          expect(sortBy(items.map((m) => `${m.userId}:${m.role}`), (x) => x)).toEqual(sortBy([...t!.members].map(([u, r]) => `${u}:${r}`), (x) => x));
        },
      });
    }
    case 'member.patch':
    case 'member.remove': {
      const target = pick(op.user.local ? model.users.filter((u) => t?.members.has(u.userId)) : model.users, op.user.index);
      const targetId = target?.userId ?? BOGUS;
      const g = gate(actor, member('admin'), t);
      const current = target && t?.members.get(target.userId);
      const newRole = op.kind === 'member.patch' ? op.role : undefined;
      let predicted: Prediction = g;
      if (g.status === 200) {
        const mine = g.role as Role;
        if (!current) predicted = { status: 404, code: 'NOT_FOUND' };
        else if (outranks(current, mine) || (newRole && outranks(newRole, mine))) predicted = { status: 403, code: 'ROLE_ESCALATION' };
        else if (current === 'owner' && newRole !== 'owner' && ownerCount(t!) <= 1) predicted = { status: 409, code: 'LAST_OWNER' };
      }
      return step({
        method: newRole ? 'PATCH' : 'DELETE',
        path: `${base}/members/${targetId}`,
        ...(newRole ? { body: { role: newRole } } : {}),
        predicted,
        accept(json) {
          if (newRole) {
            expect(Member.parse(json)).toMatchObject({ userId: targetId, role: newRole });
            t!.members.set(targetId, newRole);
          } else {
            expect(json).toEqual({ ok: true });
            t!.members.delete(targetId);
          }
        },
      });
    }
    case 'invitation.create': {
      const emails = [...model.users.map((u) => u.email), GHOST_EMAIL];
      const email = emails[op.email % emails.length] as string;
      const g = gate(actor, member('admin'), t);
      const isMember = !!t && model.users.some((u) => u.email === email && t.members.has(u.userId));
      const predicted: Prediction =
        g.status !== 200 ? g : outranks(op.role, g.role as Role) ? { status: 403, code: 'ROLE_ESCALATION' } : isMember ? { status: 409, code: 'ALREADY_MEMBER' } : { status: 201 };
      return step({
        method: 'POST',
        path: `${base}/invitations`,
        body: { email, role: op.role },
        predicted,
        accept(json) {
          const inv = Invitation.parse(json);
          expect(inv).toMatchObject({ tenantId: t!.id, email, role: op.role, status: 'pending', invitedBy: callerId });
          model.invitations.push({ id: inv.id, tenantId: t!.id, email, role: op.role, status: 'pending' });
          t!.seenEmails.add(email);
        },
      });
    }
    case 'invitation.list': {
      return step({
        method: 'GET',
        path: `${base}/invitations`,
        predicted: gate(actor, member('admin'), t),
        accept(json) {
          const items = z.object({ items: z.array(Invitation) }).parse(json).items;
          const expected = model.invitations.filter((i) => i.tenantId === t!.id);
          expect(sortBy(items.map((i) => `${i.id}:${i.tenantId}:${i.status}`), (x) => x)).toEqual(sortBy(expected.map((i) => `${i.id}:${i.tenantId}:${i.status}`), (x) => x));
        },
      });
    }
    case 'invitation.revoke': {
      const any: ModelInvitation | undefined = pickItem(model.invitations, op.invitation);
      const inv = inTenant(any);
      const g = gate(actor, member('admin'), t);
      const predicted: Prediction = g.status !== 200 ? g : !inv ? { status: 404, code: 'NOT_FOUND' } : inv.status !== 'pending' ? { status: 409, code: 'CONFLICT' } : { status: 200 };
      return step({
        method: 'DELETE',
        path: `${base}/invitations/${any?.id ?? BOGUS}`,
        predicted,
        accept(json) {
          expect(Invitation.parse(json)).toMatchObject({ id: inv!.id, status: 'revoked' });
          inv!.status = 'revoked';
        },
      });
    }
    case 'invitation.accept': {
      const inv = pickItem(model.invitations, op.invitation, (i) => i.email === me?.email);
      const g = gate(actor, { kind: 'user' }, undefined);
      const target = inv && tenantOf(inv.tenantId);
      let predicted: Prediction = g;
      if (g.status === 200) {
        if (!inv || inv.email !== me!.email) predicted = { status: 404, code: 'NOT_FOUND' };
        else if (inv.status !== 'pending') predicted = { status: 409, code: 'CONFLICT' };
        else if (target!.members.has(me!.userId)) predicted = { status: 409, code: 'ALREADY_MEMBER' };
      }
      return step({
        method: 'POST',
        path: `/api/v1/invitations/${inv?.id ?? BOGUS}/accept`,
        predicted,
        alsoVisible: inv && me && inv.email === me.email ? [inv.tenantId] : [],
        accept(json) {
          expect(Invitation.parse(json)).toMatchObject({ id: inv!.id, tenantId: inv!.tenantId, status: 'accepted' });
          inv!.status = 'accepted';
          target!.members.set(me!.userId, inv!.role);
        },
      });
    }
    case 'invitation.mine': {
      const mine = me ? model.invitations.filter((i) => i.email === me.email && i.status === 'pending') : [];
      return step({
        method: 'GET',
        path: '/api/v1/invitations',
        predicted: gate(actor, { kind: 'user' }, undefined),
        alsoVisible: mine.map((i) => i.tenantId),
        accept(json) {
          const items = z.object({ items: z.array(Invitation.extend({ tenantSlug: z.string() })) }).parse(json).items;
          expect(sortBy(items.map((i) => `${i.id}:${i.tenantId}:${i.tenantSlug}`), (x) => x)).toEqual(
            sortBy(mine.map((i) => `${i.id}:${i.tenantId}:${tenantOf(i.tenantId).slug}`), (x) => x),
          );
        },
      });
    }
    case 'join.create': {
      const g = gate(actor, { kind: 'visitor' }, t);
      const pending = !!me && !!t && model.joinRequests.some((r) => r.tenantId === t.id && r.userId === me.userId && r.status === 'pending');
      const predicted: Prediction = g.status !== 200 ? g : g.role ? { status: 409, code: 'ALREADY_MEMBER' } : pending ? { status: 409, code: 'CONFLICT' } : { status: 201 };
      return step({
        method: 'POST',
        path: `${base}/join-requests`,
        body: {},
        predicted,
        alsoVisible: predicted.status === 201 ? [t!.id] : [],
        accept(json) {
          const jr = JoinRequest.parse(json);
          expect(jr).toMatchObject({ tenantId: t!.id, userId: me!.userId, email: me!.email, status: 'pending' });
          model.joinRequests.push({ id: jr.id, tenantId: t!.id, userId: me!.userId, status: 'pending' });
          t!.seenEmails.add(me!.email);
        },
      });
    }
    case 'join.list': {
      return step({
        method: 'GET',
        path: `${base}/join-requests`,
        predicted: gate(actor, member('admin'), t),
        accept(json) {
          const items = z.object({ items: z.array(JoinRequest) }).parse(json).items;
          const expected = model.joinRequests.filter((r) => r.tenantId === t!.id);
          expect(sortBy(items.map((r) => `${r.id}:${r.tenantId}:${r.status}`), (x) => x)).toEqual(sortBy(expected.map((r) => `${r.id}:${r.tenantId}:${r.status}`), (x) => x));
        },
      });
    }
    case 'join.approve':
    case 'join.reject': {
      const any: ModelJoinRequest | undefined = pickItem(model.joinRequests, op.request);
      const jr = inTenant(any);
      const approve = op.kind === 'join.approve';
      const g = gate(actor, member('admin'), t);
      let predicted: Prediction = g;
      if (g.status === 200) {
        if (!jr) predicted = { status: 404, code: 'NOT_FOUND' };
        else if (jr.status !== 'pending') predicted = { status: 409, code: 'REQUEST_ALREADY_DECIDED' };
        else if (approve && outranks(op.role, g.role as Role)) predicted = { status: 403, code: 'ROLE_ESCALATION' };
      }
      return step({
        method: 'POST',
        path: `${base}/join-requests/${any?.id ?? BOGUS}/${approve ? 'approve' : 'reject'}`,
        ...(approve ? { body: { role: op.role } } : {}),
        predicted,
        accept(json) {
          const status = approve ? 'approved' : 'rejected';
          expect(JoinRequest.parse(json)).toMatchObject({ id: jr!.id, status, decidedBy: callerId });
          jr!.status = status;
          if (approve && !t!.members.has(jr!.userId)) t!.members.set(jr!.userId, op.role);
        },
      });
    }
    case 'token.create': {
      const g = gate(actor, member('admin', false), t);
      const predicted: Prediction = g.status !== 200 ? g : outranks(op.role, g.role as Role) ? { status: 403, code: 'ROLE_ESCALATION' } : { status: 201 };
      return step({
        method: 'POST',
        path: `${base}/tokens`,
        body: { name: 'prop', role: op.role },
        predicted,
        accept(json) {
          const tok = CreatedApiToken.parse(json);
          expect(tok).toMatchObject({ role: op.role, createdBy: me!.userId });
          model.tokens.push({ id: tok.id, tenantId: t!.id, role: op.role, createdBy: me!.userId, secret: tok.token, revoked: false });
        },
      });
    }
    case 'token.list': {
      return step({
        method: 'GET',
        path: `${base}/tokens`,
        predicted: gate(actor, member('admin'), t),
        accept(json) {
          const items = z.object({ items: z.array(ApiToken) }).parse(json).items;
          const live = model.tokens.filter((k) => k.tenantId === t!.id && !k.revoked);
          expect(sortBy(items.map((k) => k.id), (x) => x)).toEqual(sortBy(live.map((k) => k.id), (x) => x));
        },
      });
    }
    case 'token.revoke': {
      const any: ModelToken | undefined = pickItem(model.tokens, op.token);
      const tok = inTenant(any);
      const g = gate(actor, member('admin'), t);
      const predicted: Prediction = g.status !== 200 ? g : !tok || tok.revoked ? { status: 404, code: 'NOT_FOUND' } : { status: 200 };
      return step({
        method: 'DELETE',
        path: `${base}/tokens/${any?.id ?? BOGUS}`,
        predicted,
        accept(json) {
          expect(json).toEqual({ ok: true });
          tok!.revoked = true;
        },
      });
    }
    case 'quota.get': {
      return step({ method: 'GET', path: `${base}/quota`, predicted: gate(actor, member('viewer'), t), accept: (json) => void Quota.parse(json) });
    }
    case 'usage.history': {
      return step({
        method: 'GET',
        path: `${base}/usage/history`,
        predicted: gate(actor, member('viewer'), t),
        accept: (json) => expect(UsageHistory.parse(json).buckets.length).toBeGreaterThanOrEqual(24),
      });
    }
    case 'audit.list': {
      return step({
        method: 'GET',
        path: `${base}/audit?limit=200`,
        predicted: gate(actor, member('admin'), t),
        accept(json) {
          const items = z.object({ items: z.array(AuditEntry) }).parse(json).items;
          expect(items.length).toBeGreaterThan(0);
          for (const e of items) expect([e.chain, e.tenantId]).toEqual([t!.id, t!.id]);
        },
      });
    }
  }
}
