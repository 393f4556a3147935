import type { Role } from '@berth/protocol';

/**
 * Who may call a route.
 * - public: anyone, signed in or not.
 * - user: a signed-in, active user (API tokens are refused).
 * - platform-admin: a user whose platform role is admin.
 * - tenant: a member of `:tenant` (or a token of that tenant) whose role ranks ≥ `min`;
 *   `tokens: false` refuses tokens even when their role would do.
 * - tenant-visitor: any signed-in user, `:tenant` must exist (asking to join).
 * - tenant-platform-admin: a platform admin acting on `:tenant` (quotas), no membership needed.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'platform-admin' }
  | { kind: 'tenant'; min: Role; tokens: boolean }
  | { kind: 'tenant-visitor' }
  | { kind: 'tenant-platform-admin' };

export interface RouteRule {
  resource: string;
  action: string;
  access: Access;
  /** Its success answer carries a one-time secret: an idempotent retry must not be given it again. */
  oneTimeSecret?: true;
}

const pub: Access = { kind: 'public' };
const user: Access = { kind: 'user' };
const platformAdmin: Access = { kind: 'platform-admin' };
const tenant = (min: Role, tokens = true): Access => ({ kind: 'tenant', min, tokens });

const T = '/api/v1/tenants/:tenant';

/**
 * THE permission table: route × method → resource, action and who may call it.
 * Every registered route must be here (a test enumerates the app's routes); a route that
 * is missing is denied by the authorize middleware.
 */
export const PERMISSIONS: Readonly<Record<string, RouteRule>> = {
  'GET /healthz': { resource: 'system', action: 'health', access: pub },
  'GET /readyz': { resource: 'system', action: 'ready', access: pub },
  'GET /api/openapi.json': { resource: 'system', action: 'openapi', access: pub },
  'GET /api/docs': { resource: 'system', action: 'docs', access: pub },
  'GET /api/auth/*': { resource: 'auth', action: 'read', access: pub },
  'POST /api/auth/*': { resource: 'auth', action: 'write', access: pub },
  'GET /api/v1/auth/providers': { resource: 'auth', action: 'providers', access: pub },
  'GET /api/v1/setup': { resource: 'setup', action: 'status', access: pub },
  'POST /api/v1/setup': { resource: 'setup', action: 'run', access: pub },
  'GET /api/v1/me': { resource: 'me', action: 'read', access: user },

  'GET /api/v1/admin/users': { resource: 'user', action: 'list', access: platformAdmin },
  'POST /api/v1/admin/users/:userId/deactivate': { resource: 'user', action: 'deactivate', access: platformAdmin },
  'POST /api/v1/admin/users/:userId/reactivate': { resource: 'user', action: 'reactivate', access: platformAdmin },
  'GET /api/v1/admin/audit': { resource: 'platform-audit', action: 'list', access: platformAdmin },
  'GET /api/v1/admin/audit/verify': { resource: 'platform-audit', action: 'verify', access: platformAdmin },
  'GET /api/v1/admin/audit/export': { resource: 'platform-audit', action: 'export', access: platformAdmin },
  'GET /api/v1/platform/registration': { resource: 'registration', action: 'read', access: platformAdmin },
  'PUT /api/v1/platform/registration': { resource: 'registration', action: 'update', access: platformAdmin },

  'POST /api/v1/tenants': { resource: 'tenant', action: 'create', access: user },
  'GET /api/v1/tenants': { resource: 'tenant', action: 'list', access: user },
  [`GET ${T}`]: { resource: 'tenant', action: 'read', access: tenant('viewer') },
  [`PATCH ${T}`]: { resource: 'tenant', action: 'update', access: tenant('admin') },
  [`DELETE ${T}`]: { resource: 'tenant', action: 'delete', access: tenant('owner', false) },

  [`GET ${T}/members`]: { resource: 'member', action: 'list', access: tenant('viewer') },
  [`PATCH ${T}/members/:userId`]: { resource: 'member', action: 'update', access: tenant('admin') },
  [`DELETE ${T}/members/:userId`]: { resource: 'member', action: 'remove', access: tenant('admin') },

  [`POST ${T}/invitations`]: { resource: 'invitation', action: 'create', access: tenant('admin') },
  [`GET ${T}/invitations`]: { resource: 'invitation', action: 'list', access: tenant('admin') },
  [`DELETE ${T}/invitations/:invitationId`]: { resource: 'invitation', action: 'revoke', access: tenant('admin') },
  'GET /api/v1/invitations': { resource: 'invitation', action: 'list-mine', access: user },
  'POST /api/v1/invitations/:invitationId/accept': { resource: 'invitation', action: 'accept', access: user },

  [`POST ${T}/join-requests`]: { resource: 'join-request', action: 'create', access: { kind: 'tenant-visitor' } },
  [`GET ${T}/join-requests`]: { resource: 'join-request', action: 'list', access: tenant('admin') },
  [`POST ${T}/join-requests/:requestId/approve`]: { resource: 'join-request', action: 'approve', access: tenant('admin') },
  [`POST ${T}/join-requests/:requestId/reject`]: { resource: 'join-request', action: 'reject', access: tenant('admin') },

  [`POST ${T}/tokens`]: { resource: 'token', action: 'create', access: tenant('admin', false), oneTimeSecret: true },
  [`GET ${T}/tokens`]: { resource: 'token', action: 'list', access: tenant('admin') },
  [`DELETE ${T}/tokens/:tokenId`]: { resource: 'token', action: 'revoke', access: tenant('admin') },

  [`GET ${T}/quota`]: { resource: 'quota', action: 'read', access: tenant('viewer') },
  [`PUT ${T}/quota`]: { resource: 'quota', action: 'update', access: { kind: 'tenant-platform-admin' } },

  'POST /api/v1/clusters': { resource: 'cluster', action: 'create', access: platformAdmin, oneTimeSecret: true },
  'GET /api/v1/clusters': { resource: 'cluster', action: 'list', access: platformAdmin },
  'GET /api/v1/clusters/:clusterId': { resource: 'cluster', action: 'read', access: platformAdmin },
  'POST /api/v1/clusters/:clusterId/join-tokens': { resource: 'cluster', action: 'join-token', access: platformAdmin, oneTimeSecret: true },
  'POST /api/v1/clusters/:clusterId/agents/:agentId/revoke': { resource: 'cluster', action: 'agent-revoke', access: platformAdmin },
  [`POST ${T}/clusters`]: { resource: 'cluster', action: 'create', access: tenant('admin', false), oneTimeSecret: true },
  [`GET ${T}/clusters`]: { resource: 'cluster', action: 'list', access: tenant('viewer') },
  [`POST ${T}/clusters/:clusterId/join-tokens`]: { resource: 'cluster', action: 'join-token', access: tenant('admin', false), oneTimeSecret: true },
  [`POST ${T}/clusters/:clusterId/agents/:agentId/revoke`]: { resource: 'cluster', action: 'agent-revoke', access: tenant('admin', false) },
  // Agents prove themselves with a one-time join token (enroll) and a signed challenge (connect).
  'POST /api/v1/agents/enroll': { resource: 'agent', action: 'enroll', access: pub },
  'GET /api/v1/agents/connect': { resource: 'agent', action: 'connect', access: pub },

  [`POST ${T}/agents`]: { resource: 'agent-service', action: 'create', access: tenant('operator') },
  [`GET ${T}/agents`]: { resource: 'agent-service', action: 'list', access: tenant('viewer') },
  [`GET ${T}/agents/:agent`]: { resource: 'agent-service', action: 'read', access: tenant('viewer') },
  [`PATCH ${T}/agents/:agent`]: { resource: 'agent-service', action: 'update', access: tenant('operator') },
  [`POST ${T}/agents/:agent/scale`]: { resource: 'agent-service', action: 'scale', access: tenant('operator') },
  [`POST ${T}/agents/:agent/restart`]: { resource: 'agent-service', action: 'restart', access: tenant('operator') },
  [`POST ${T}/agents/:agent/stop`]: { resource: 'agent-service', action: 'stop', access: tenant('operator') },
  [`POST ${T}/agents/:agent/start`]: { resource: 'agent-service', action: 'start', access: tenant('operator') },
  [`DELETE ${T}/agents/:agent`]: { resource: 'agent-service', action: 'remove', access: tenant('operator') },
  // Logs can carry whatever a service prints, so they need more than read-only access.
  [`GET ${T}/agents/:agent/logs`]: { resource: 'agent-service', action: 'logs', access: tenant('operator') },
  [`GET ${T}/usage`]: { resource: 'quota', action: 'usage', access: tenant('viewer') },
  [`GET ${T}/usage/history`]: { resource: 'quota', action: 'usage-history', access: tenant('viewer') },
  [`GET ${T}/events`]: { resource: 'agent-service', action: 'events', access: tenant('viewer') },

  [`GET ${T}/audit`]: { resource: 'audit', action: 'list', access: tenant('admin') },
  [`GET ${T}/audit/verify`]: { resource: 'audit', action: 'verify', access: tenant('admin') },
  [`GET ${T}/audit/export`]: { resource: 'audit', action: 'export', access: tenant('admin') },
};

export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** The rule for a route, or undefined (deny). */
export function ruleFor(method: string, path: string): RouteRule | undefined {
  return PERMISSIONS[routeKey(method, path)];
}

/** True for methods that change state (audited). */
export const isMutating = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
