import { createHash } from 'node:crypto';

/**
 * A short, stable, DNS-safe key for a tenant: the sanitised tenant id when it is at most 16
 * characters, else the first 16 hex digits of its SHA-256 (so names stay ≤ 63 characters).
 */
export function tenantKey(tenantId: string): string {
  const clean = tenantId.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (clean.length > 0 && clean.length <= 16 && clean === tenantId.toLowerCase()) return clean;
  return createHash('sha256').update(tenantId).digest('hex').slice(0, 16);
}

/** Swarm service name of an agent service: `berth-<tenantKey>-<name>` (≤ 63 characters). */
export function serviceName(tenantId: string, name: string): string {
  return `berth-${tenantKey(tenantId)}-${name}`;
}

/** Volume name of a tenant's named volume, so tenants never share a volume by choosing the same name. */
export function volumeName(tenantId: string, source: string): string {
  return `${volumePrefix(tenantId)}${source.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 120);
}

/** The prefix every volume name of a tenant starts with (what admission of an Engine spec checks). */
export function volumePrefix(tenantId: string): string {
  return `berth-${tenantKey(tenantId)}-`;
}
