import { and, desc, eq, gt } from 'drizzle-orm';
import { invitation, membership, tenant, user } from '@berth/db';
import type { Invitation, Role } from '@berth/protocol';
import { actorId, type RequestFacts, type TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { invitationDto } from './dto.ts';
import type { ServiceDeps } from './service-deps.ts';
import { assertMayGrant } from './rank.ts';
import { verifiedEmailOf } from './verified-email.ts';

const HOUR_MS = 3_600_000;

export async function createInvitation(
  deps: ServiceDeps,
  req: RequestFacts,
  scope: TenantScope,
  body: { email: string; role: Role; expiresInHours: number },
): Promise<Invitation> {
  const id = crypto.randomUUID();
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    assertMayGrant(scope, body.role);
    const existing = await deps.db
      .select({ userId: membership.userId })
      .from(membership)
      .innerJoin(user, eq(user.id, membership.userId))
      .where(and(eq(membership.tenantId, scope.tenantId), eq(user.email, body.email)))
      .get();
    if (existing) throw new AppError(409, 'ALREADY_MEMBER', 'that person is already a member');
    const now = deps.clock.now();
    const row = {
      id,
      tenantId: scope.tenantId,
      email: body.email,
      role: body.role,
      status: 'pending' as const,
      invitedBy: actorId(req.actor) ?? 'anonymous',
      expiresAt: new Date(now.getTime() + body.expiresInHours * HOUR_MS),
      createdAt: now,
      decidedAt: null,
    };
    return {
      writes: [deps.db.insert(invitation).values(row)],
      note: { action: 'invitation.create', targetType: 'invitation', targetId: id, details: { role: body.role } },
      result: invitationDto(row, now),
    };
  });
}

export async function listInvitations(deps: ServiceDeps, scope: TenantScope): Promise<Invitation[]> {
  const now = deps.clock.now();
  const rows = await deps.db.select().from(invitation).where(eq(invitation.tenantId, scope.tenantId)).orderBy(desc(invitation.createdAt)).all();
  return rows.map((r) => invitationDto(r, now));
}

export async function revokeInvitation(deps: ServiceDeps, req: RequestFacts, scope: TenantScope, invitationId: string): Promise<Invitation> {
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const row = await deps.db
      .select()
      .from(invitation)
      .where(and(eq(invitation.id, invitationId), eq(invitation.tenantId, scope.tenantId)))
      .get();
    if (!row) throw new AppError(404, 'NOT_FOUND', 'invitation not found');
    if (row.status !== 'pending') throw new AppError(409, 'CONFLICT', `the invitation is already ${row.status}`);
    const now = deps.clock.now();
    return {
      writes: [deps.db.update(invitation).set({ status: 'revoked', decidedAt: now }).where(eq(invitation.id, row.id))],
      note: { action: 'invitation.revoke', targetType: 'invitation', targetId: row.id },
      result: invitationDto({ ...row, status: 'revoked', decidedAt: now }, now),
    };
  });
}

/** Pending, unexpired invitations addressed to the caller's email, once that email is verified. */
export async function listMyInvitations(deps: ServiceDeps, req: RequestFacts) {
  if (req.actor.kind !== 'user') return [];
  const me = await verifiedEmailOf(deps, req, 'see the invitations sent to it');
  const now = deps.clock.now();
  const rows = await deps.db
    .select({ inv: invitation, tenantName: tenant.name, tenantSlug: tenant.slug })
    .from(invitation)
    .innerJoin(tenant, eq(tenant.id, invitation.tenantId))
    .where(and(eq(invitation.email, me.email), eq(invitation.status, 'pending'), gt(invitation.expiresAt, now), eq(tenant.status, 'active')))
    .all();
  return rows.map((r) => ({ ...invitationDto(r.inv, now), tenantName: r.tenantName, tenantSlug: r.tenantSlug }));
}

/**
 * Only the invited email, verified, may accept; anyone else is told the invitation does not
 * exist. An unverified account is told to verify before the invitation is even looked up, so
 * the answer says nothing about which invitations exist.
 */
export async function acceptInvitation(deps: ServiceDeps, req: RequestFacts, invitationId: string): Promise<Invitation> {
  const me = await verifiedEmailOf(deps, req, 'accept an invitation');
  const found = await deps.db
    .select({ inv: invitation, tenantStatus: tenant.status })
    .from(invitation)
    .innerJoin(tenant, eq(tenant.id, invitation.tenantId))
    .where(and(eq(invitation.id, invitationId), eq(invitation.email, me.email)))
    .get();
  if (!found || found.tenantStatus !== 'active') throw new AppError(404, 'NOT_FOUND', 'invitation not found');
  const tenantId = found.inv.tenantId;
  return commitAudited(deps, req, tenantId, tenantId, async () => {
    const row = await deps.db.select().from(invitation).where(eq(invitation.id, invitationId)).get();
    if (!row) throw new AppError(404, 'NOT_FOUND', 'invitation not found');
    const now = deps.clock.now();
    if (row.status !== 'pending') throw new AppError(409, 'CONFLICT', `the invitation is already ${row.status}`);
    if (row.expiresAt.getTime() <= now.getTime()) throw new AppError(409, 'INVITATION_EXPIRED', 'the invitation has expired');
    const member = await deps.db
      .select({ role: membership.role })
      .from(membership)
      .where(and(eq(membership.tenantId, tenantId), eq(membership.userId, me.userId)))
      .get();
    if (member) throw new AppError(409, 'ALREADY_MEMBER', 'you are already a member');
    return {
      writes: [
        deps.db.insert(membership).values({ tenantId, userId: me.userId, role: row.role, createdAt: now }),
        deps.db.update(invitation).set({ status: 'accepted', decidedAt: now }).where(eq(invitation.id, row.id)),
      ],
      note: { action: 'invitation.accept', targetType: 'invitation', targetId: row.id, details: { role: row.role } },
      result: invitationDto({ ...row, status: 'accepted', decidedAt: now }, now),
    };
  });
}
