import { and, desc, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { joinRequest, membership, user } from '@berth/db';
import type { JoinRequest, Role } from '@berth/protocol';
import { actorId, type RequestFacts, type TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { joinRequestDto } from './dto.ts';
import type { ServiceDeps } from './service-deps.ts';
import { assertMayGrant } from './rank.ts';
import { verifiedEmailOf } from './verified-email.ts';

/** Admins approve a request on the strength of the requester's email, so it must be verified. */
export async function createJoinRequest(deps: ServiceDeps, req: RequestFacts, scope: TenantScope, message: string | undefined): Promise<JoinRequest> {
  const me = await verifiedEmailOf(deps, req, 'ask to join');
  const id = crypto.randomUUID();
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    if (scope.role) throw new AppError(409, 'ALREADY_MEMBER', 'you are already a member');
    const pending = await deps.db
      .select({ id: joinRequest.id })
      .from(joinRequest)
      .where(and(eq(joinRequest.tenantId, scope.tenantId), eq(joinRequest.userId, me.userId), eq(joinRequest.status, 'pending')))
      .get();
    if (pending) throw new AppError(409, 'CONFLICT', 'you already asked to join; wait for an answer');
    const row = { id, tenantId: scope.tenantId, userId: me.userId, message: message ?? null, status: 'pending' as const, createdAt: deps.clock.now(), decidedAt: null, decidedBy: null };
    return {
      writes: [deps.db.insert(joinRequest).values(row)],
      note: { action: 'join-request.create', targetType: 'join-request', targetId: id },
      result: joinRequestDto(row, me.email),
    };
  });
}

export async function listJoinRequests(deps: ServiceDeps, scope: TenantScope): Promise<JoinRequest[]> {
  const rows = await deps.db
    .select({ r: joinRequest, email: user.email })
    .from(joinRequest)
    .innerJoin(user, eq(user.id, joinRequest.userId))
    .where(eq(joinRequest.tenantId, scope.tenantId))
    .orderBy(desc(joinRequest.createdAt))
    .all();
  return rows.map((r) => joinRequestDto(r.r, r.email));
}

export async function decideJoinRequest(
  deps: ServiceDeps,
  req: RequestFacts,
  scope: TenantScope,
  requestId: string,
  decision: { approve: true; role: Role } | { approve: false },
): Promise<JoinRequest> {
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const found = await deps.db
      .select({ r: joinRequest, email: user.email })
      .from(joinRequest)
      .innerJoin(user, eq(user.id, joinRequest.userId))
      .where(and(eq(joinRequest.id, requestId), eq(joinRequest.tenantId, scope.tenantId)))
      .get();
    if (!found) throw new AppError(404, 'NOT_FOUND', 'join request not found');
    if (found.r.status !== 'pending') throw new AppError(409, 'REQUEST_ALREADY_DECIDED', `the request was already ${found.r.status}`);
    if (decision.approve) assertMayGrant(scope, decision.role);
    const now = deps.clock.now();
    const decidedBy = actorId(req.actor);
    const status = decision.approve ? ('approved' as const) : ('rejected' as const);
    const writes: BatchItem<'sqlite'>[] = [deps.db.update(joinRequest).set({ status, decidedAt: now, decidedBy }).where(eq(joinRequest.id, found.r.id))];
    if (decision.approve) {
      const already = await deps.db
        .select({ role: membership.role })
        .from(membership)
        .where(and(eq(membership.tenantId, scope.tenantId), eq(membership.userId, found.r.userId)))
        .get();
      if (!already) writes.push(deps.db.insert(membership).values({ tenantId: scope.tenantId, userId: found.r.userId, role: decision.role, createdAt: now }));
    }
    return {
      writes,
      note: { action: `join-request.${decision.approve ? 'approve' : 'reject'}`, targetType: 'join-request', targetId: found.r.id, details: decision.approve ? { role: decision.role } : null },
      result: joinRequestDto({ ...found.r, status, decidedAt: now, decidedBy }, found.email),
    };
  });
}
