import type { Tenant, Role, Invitation, ApiToken, JoinRequest } from '@berth/protocol';
import type { tenant, invitation, apiToken, joinRequest } from '@berth/db';

const iso = (d: Date) => d.toISOString();

export function tenantDto(row: typeof tenant.$inferSelect, role: Role): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    branding: { displayName: row.displayName, logoUrl: row.logoUrl, accentColor: row.accentColor },
    createdAt: iso(row.createdAt),
    role,
  };
}

export function invitationDto(row: typeof invitation.$inferSelect, now: Date): Invitation {
  const expired = row.status === 'pending' && row.expiresAt.getTime() <= now.getTime();
  return {
    id: row.id,
    tenantId: row.tenantId,
    email: row.email,
    role: row.role,
    status: expired ? 'expired' : row.status,
    expiresAt: iso(row.expiresAt),
    createdAt: iso(row.createdAt),
    invitedBy: row.invitedBy,
  };
}

export function tokenDto(row: typeof apiToken.$inferSelect): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    expiresAt: iso(row.expiresAt),
    createdAt: iso(row.createdAt),
    lastUsedAt: row.lastUsedAt ? iso(row.lastUsedAt) : null,
    createdBy: row.createdBy,
  };
}

export function joinRequestDto(row: typeof joinRequest.$inferSelect, email: string): JoinRequest {
  return {
    id: row.id,
    tenantId: row.tenantId,
    userId: row.userId,
    email,
    message: row.message,
    status: row.status,
    createdAt: iso(row.createdAt),
    decidedAt: row.decidedAt ? iso(row.decidedAt) : null,
    decidedBy: row.decidedBy,
  };
}
