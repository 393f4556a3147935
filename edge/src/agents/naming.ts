/**
 * Swarm object names the edge chooses. Short id fragments keep names under Swarm's 64-char
 * limit; labels (set by the agent) carry the full ids.
 */
const short = (id: string, n: number) => id.replace(/[^A-Za-z0-9]/g, '').toLowerCase().slice(0, n);

/** The tenant's encrypted overlay network. */
export const tenantNetworkName = (tenantId: string) => `berth-net-${short(tenantId, 16)}`;

/** A secret version: the content hash in the name means a new value is a new Swarm secret. */
export const secretSwarmName = (tenantId: string, agentServiceId: string, contentHash: string) =>
  `berth-s-${short(tenantId, 10)}-${short(agentServiceId, 10)}-${contentHash.slice(0, 16)}`;

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value));
}
