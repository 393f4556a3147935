import { and, eq, ne } from 'drizzle-orm';
import { membership, tenant, tenantQuota } from '@berth/db';
import type { CreateTenantBody, Quota, Tenant, UpdateTenantBody } from '@berth/protocol';
import type { RequestFacts, TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { tenantDto } from './dto.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Quota a new tenant starts with, until a platform admin changes it. */
export const DEFAULT_QUOTA: Quota = { maxAgentServices: 5, maxTotalReplicas: 10, maxCpuCores: 4, maxMemoryMb: 8192 };

function requireUser(req: RequestFacts) {
  if (req.actor.kind !== 'user') throw new AppError(403, 'FORBIDDEN', 'only a signed-in user can do this');
  return req.actor;
}

async function assertSlugFree(deps: ServiceDeps, slug: string, exceptTenantId?: string) {
  const taken = await deps.db
    .select({ id: tenant.id })
    .from(tenant)
    .where(exceptTenantId ? and(eq(tenant.slug, slug), ne(tenant.id, exceptTenantId)) : eq(tenant.slug, slug))
    .get();
  if (taken) throw new AppError(409, 'SLUG_TAKEN', 'that slug is taken');
}

export async function loadTenant(deps: ServiceDeps, tenantId: string) {
  const row = await deps.db.select().from(tenant).where(eq(tenant.id, tenantId)).get();
  if (!row) throw new AppError(404, 'NOT_FOUND', 'tenant not found');
  return row;
}

/** Creates a tenant; the caller becomes its owner. */
export async function createTenant(deps: ServiceDeps, req: RequestFacts, body: CreateTenantBody): Promise<Tenant> {
  const user = requireUser(req);
  const id = crypto.randomUUID();
  return commitAudited(deps, req, id, id, async () => {
    await assertSlugFree(deps, body.slug);
    const now = deps.clock.now();
    const row = { id, slug: body.slug, name: body.name, status: 'active' as const, displayName: null, logoUrl: null, accentColor: null, createdBy: user.userId, createdAt: now, updatedAt: now };
    return {
      writes: [
        deps.db.insert(tenant).values(row),
        deps.db.insert(membership).values({ tenantId: id, userId: user.userId, role: 'owner', createdAt: now }),
        deps.db.insert(tenantQuota).values({ tenantId: id, ...DEFAULT_QUOTA, updatedAt: now }),
      ],
      note: { action: 'tenant.create', targetType: 'tenant', targetId: id, details: { slug: body.slug } },
      result: tenantDto(row, 'owner'),
    };
  });
}

/** Tenants the caller belongs to (a token sees only its own tenant). */
export async function listMyTenants(deps: ServiceDeps, req: RequestFacts): Promise<Tenant[]> {
  const user = requireUser(req);
  const rows = await deps.db
    .select({ t: tenant, role: membership.role })
    .from(membership)
    .innerJoin(tenant, eq(tenant.id, membership.tenantId))
    .where(eq(membership.userId, user.userId))
    .orderBy(tenant.name)
    .all();
  return rows.map((r) => tenantDto(r.t, r.role));
}

export async function getTenant(deps: ServiceDeps, scope: TenantScope): Promise<Tenant> {
  return tenantDto(await loadTenant(deps, scope.tenantId), scope.role ?? 'viewer');
}

export async function updateTenant(deps: ServiceDeps, req: RequestFacts, scope: TenantScope, body: UpdateTenantBody): Promise<Tenant> {
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const current = await loadTenant(deps, scope.tenantId);
    if (body.slug && body.slug !== current.slug) await assertSlugFree(deps, body.slug, scope.tenantId);
    const changes = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.slug !== undefined ? { slug: body.slug } : {}),
      ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
      ...(body.logoUrl !== undefined ? { logoUrl: body.logoUrl } : {}),
      ...(body.accentColor !== undefined ? { accentColor: body.accentColor } : {}),
      updatedAt: deps.clock.now(),
    };
    return {
      writes: [deps.db.update(tenant).set(changes).where(eq(tenant.id, scope.tenantId))],
      note: { action: 'tenant.update', targetType: 'tenant', targetId: scope.tenantId, details: { fields: Object.keys(body).sort() } },
      result: tenantDto({ ...current, ...changes }, scope.role ?? 'viewer'),
    };
  });
}

export async function getQuota(deps: ServiceDeps, scope: TenantScope): Promise<Quota> {
  const row = await deps.db.select().from(tenantQuota).where(eq(tenantQuota.tenantId, scope.tenantId)).get();
  if (!row) return DEFAULT_QUOTA;
  return { maxAgentServices: row.maxAgentServices, maxTotalReplicas: row.maxTotalReplicas, maxCpuCores: row.maxCpuCores, maxMemoryMb: row.maxMemoryMb };
}

export async function putQuota(deps: ServiceDeps, req: RequestFacts, scope: TenantScope, quota: Quota): Promise<Quota> {
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const now = deps.clock.now();
    return {
      writes: [
        deps.db
          .insert(tenantQuota)
          .values({ tenantId: scope.tenantId, ...quota, updatedAt: now })
          .onConflictDoUpdate({ target: tenantQuota.tenantId, set: { ...quota, updatedAt: now } }),
      ],
      note: { action: 'quota.update', targetType: 'tenant', targetId: scope.tenantId, details: { ...quota } },
      result: quota,
    };
  });
}
