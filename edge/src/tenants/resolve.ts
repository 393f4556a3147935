import { and, eq } from 'drizzle-orm';
import { membership, tenant, type Db } from '@berth/db';
import { TENANT_ID_SHAPE, type Role } from '@berth/protocol';

export interface ResolvedTenant {
  tenantId: string;
  slug: string;
  status: 'active' | 'deleting';
}

/**
 * A reference is an id when it has the shape of one and a slug otherwise, never both: slugs
 * cannot take that shape (protocol Slug), so one tenant's slug cannot shadow another's id.
 */
const byIdOrSlug = (ref: string) => (TENANT_ID_SHAPE.test(ref) ? eq(tenant.id, ref.toLowerCase()) : eq(tenant.slug, ref));

/** The tenant named by id or slug, regardless of who asks. Only for routes that do not reveal contents. */
export async function findTenant(db: Db, ref: string): Promise<ResolvedTenant | undefined> {
  return db
    .select({ tenantId: tenant.id, slug: tenant.slug, status: tenant.status })
    .from(tenant)
    .where(byIdOrSlug(ref))
    .get();
}

/** The tenant named by id or slug together with `userId`'s role in it; undefined if not a member. */
export async function findMembership(db: Db, ref: string, userId: string): Promise<(ResolvedTenant & { role: Role }) | undefined> {
  return db
    .select({ tenantId: tenant.id, slug: tenant.slug, status: tenant.status, role: membership.role })
    .from(tenant)
    .innerJoin(membership, and(eq(membership.tenantId, tenant.id), eq(membership.userId, userId)))
    .where(byIdOrSlug(ref))
    .get();
}
