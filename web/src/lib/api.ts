import './zod-csp.ts';
import { z } from 'zod';
import {
  AdminUser,
  AgentService,
  AgentServiceDetails,
  AgentServicePage,
  ApiToken,
  AuthProviders,
  AuditEntry,
  AuditVerifyResult,
  Cluster,
  ClusterJoin,
  CreatedApiToken,
  Invitation,
  JoinRequest,
  Me,
  Member,
  PageMeta,
  Quota,
  RegistrationPolicy,
  SetupStatus,
  Tenant,
  Usage,
  UsageHistory,
  type CreateAgentServiceBody,
  type CreateClusterBody,
  type CreateTenantBody,
  type RegistrationMode,
  type Role,
  type SetupBody,
  type UpdateTenantBody,
} from '@berth/protocol';
import { env } from './env.ts';
import { ApiError, problemFrom } from './problem.ts';

/**
 * The typed client over the public HTTP API. Every answer is parsed with the shared protocol
 * schema (the browser is a trust boundary too); every failure is an ApiError carrying the
 * envelope's code, message, request id and field issues.
 */

const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const Ok = z.unknown();
const SignIn = z.object({ twoFactorRedirect: z.boolean().optional() }).loose();
const MyInvitation = Invitation.extend({ tenantName: z.string(), tenantSlug: z.string() });
const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.number().int().nullable() });
const UserPage = PageMeta.extend({ items: z.array(AdminUser) });
const Logs = z.object({ lines: z.array(z.object({ stream: z.string(), ts: z.string().optional(), line: z.string() })) });
const Redirect = z.object({ url: z.string().optional(), redirect: z.boolean().optional() }).loose();
const TotpEnrollment = z.object({ totpURI: z.string(), backupCodes: z.array(z.string()) });

export type MyInvitation = z.infer<typeof MyInvitation>;
export type AuditPage = z.infer<typeof AuditPage>;
export type UserPage = z.infer<typeof UserPage>;
export type LogLine = z.infer<typeof Logs>['lines'][number];
export type AgentDetails = z.infer<typeof AgentServiceDetails>;
export type AgentAction = 'restart' | 'stop' | 'start';

/** Fetch with the page's cookies; same-origin by default. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

interface CallOptions {
  body?: unknown;
  idempotencyKey?: string;
}

export function createApi(base = env.PUBLIC_BERTH_API_BASE, fetchImpl: Fetch = (i, init) => fetch(i, init)) {
  async function call<S extends z.ZodType>(method: string, path: string, schema: S, opts: CallOptions = {}): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const res = await fetchImpl(`${base}${path}`, {
      method,
      headers,
      credentials: base ? 'include' : 'same-origin',
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!res.ok) throw new ApiError(problemFrom(res.status, body));
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiError({ status: res.status, code: 'BAD_RESPONSE', message: `unexpected answer from ${path}`, requestId: null, fields: [] });
    return parsed.data;
  }
  const t = (tenant: string) => `/api/v1/tenants/${encodeURIComponent(tenant)}`;
  const a = (tenant: string, agent: string) => `${t(tenant)}/agents/${encodeURIComponent(agent)}`;

  return {
    // identity
    me: () => call('GET', '/api/v1/me', Me),
    providers: () => call('GET', '/api/v1/auth/providers', AuthProviders),
    setupStatus: () => call('GET', '/api/v1/setup', SetupStatus),
    setup: (body: SetupBody) => call('POST', '/api/v1/setup', z.object({ userId: z.string(), email: z.string() }), { body }),
    signUp: (body: { email: string; password: string; name: string }) => call('POST', '/api/auth/sign-up/email', Ok, { body }),
    signIn: (body: { email: string; password: string }) => call('POST', '/api/auth/sign-in/email', SignIn, { body }),
    verifyTotp: (code: string) => call('POST', '/api/auth/two-factor/verify-totp', Ok, { body: { code } }),
    enableTotp: (password: string) => call('POST', '/api/auth/two-factor/enable', TotpEnrollment, { body: { password } }),
    disableTotp: (password: string) => call('POST', '/api/auth/two-factor/disable', Ok, { body: { password } }),
    signInSso: (providerId: string, callbackURL: string) => call('POST', '/api/auth/sign-in/social', Redirect, { body: { provider: providerId, callbackURL } }),
    signOut: () => call('POST', '/api/auth/sign-out', Ok, { body: {} }),
    // email verification and password reset (the mailed links open /verify-email/ and /reset-password/)
    verifyEmail: (token: string) => call('GET', `/api/auth/verify-email?token=${encodeURIComponent(token)}`, Ok),
    resendVerification: (email: string) => call('POST', '/api/auth/send-verification-email', Ok, { body: { email } }),
    requestPasswordReset: (email: string) => call('POST', '/api/auth/request-password-reset', Ok, { body: { email } }),
    resetPassword: (token: string, newPassword: string) => call('POST', '/api/auth/reset-password', Ok, { body: { token, newPassword } }),

    // tenants
    tenants: () => call('GET', '/api/v1/tenants', Items(Tenant)),
    createTenant: (body: CreateTenantBody) => call('POST', '/api/v1/tenants', Tenant, { body }),
    tenant: (tenant: string) => call('GET', t(tenant), Tenant),
    updateTenant: (tenant: string, body: UpdateTenantBody) => call('PATCH', t(tenant), Tenant, { body }),
    deleteTenant: (tenant: string) => call('DELETE', t(tenant), Tenant),
    members: (tenant: string) => call('GET', `${t(tenant)}/members`, Items(Member)),
    setRole: (tenant: string, userId: string, role: Role) => call('PATCH', `${t(tenant)}/members/${encodeURIComponent(userId)}`, Member, { body: { role } }),
    removeMember: (tenant: string, userId: string) => call('DELETE', `${t(tenant)}/members/${encodeURIComponent(userId)}`, Ok),
    invitations: (tenant: string) => call('GET', `${t(tenant)}/invitations`, Items(Invitation)),
    invite: (tenant: string, body: { email: string; role: Role }) => call('POST', `${t(tenant)}/invitations`, Invitation, { body }),
    revokeInvitation: (tenant: string, id: string) => call('DELETE', `${t(tenant)}/invitations/${encodeURIComponent(id)}`, Invitation),
    myInvitations: () => call('GET', '/api/v1/invitations', Items(MyInvitation)),
    acceptInvitation: (id: string) => call('POST', `/api/v1/invitations/${encodeURIComponent(id)}/accept`, Invitation),
    joinRequests: (tenant: string) => call('GET', `${t(tenant)}/join-requests`, Items(JoinRequest)),
    requestToJoin: (tenant: string, message?: string) => call('POST', `${t(tenant)}/join-requests`, JoinRequest, { body: message ? { message } : {} }),
    approveJoin: (tenant: string, id: string, role: Role) => call('POST', `${t(tenant)}/join-requests/${encodeURIComponent(id)}/approve`, JoinRequest, { body: { role } }),
    rejectJoin: (tenant: string, id: string) => call('POST', `${t(tenant)}/join-requests/${encodeURIComponent(id)}/reject`, JoinRequest),
    tokens: (tenant: string) => call('GET', `${t(tenant)}/tokens`, Items(ApiToken)),
    createToken: (tenant: string, body: { name: string; role: Role; expiresInDays: number }) => call('POST', `${t(tenant)}/tokens`, CreatedApiToken, { body }),
    revokeToken: (tenant: string, id: string) => call('DELETE', `${t(tenant)}/tokens/${encodeURIComponent(id)}`, Ok),
    quota: (tenant: string) => call('GET', `${t(tenant)}/quota`, Quota),
    setQuota: (tenant: string, body: Quota) => call('PUT', `${t(tenant)}/quota`, Quota, { body }),
    usage: (tenant: string) => call('GET', `${t(tenant)}/usage`, Usage),
    usageHistory: (tenant: string, query: string) => call('GET', `${t(tenant)}/usage/history?${query}`, UsageHistory),
    clusters: (tenant: string) => call('GET', `${t(tenant)}/clusters`, Items(Cluster)),
    registerCluster: (tenant: string, body: Partial<CreateClusterBody> & { name: string }) => call('POST', `${t(tenant)}/clusters`, ClusterJoin, { body }),
    newJoinToken: (tenant: string, clusterId: string) => call('POST', `${t(tenant)}/clusters/${encodeURIComponent(clusterId)}/join-tokens`, ClusterJoin, { body: {} }),

    // agent services
    agents: (tenant: string, page = 1) => call('GET', `${t(tenant)}/agents?page=${page}&limit=50`, AgentServicePage),
    agent: (tenant: string, agent: string) => call('GET', a(tenant, agent), AgentServiceDetails),
    createAgent: (tenant: string, body: CreateAgentServiceBody, idempotencyKey: string) => call('POST', `${t(tenant)}/agents`, AgentService, { body, idempotencyKey }),
    scale: (tenant: string, agent: string, replicas: number) => call('POST', `${a(tenant, agent)}/scale`, AgentService, { body: { replicas } }),
    act: (tenant: string, agent: string, action: AgentAction) => call('POST', `${a(tenant, agent)}/${action}`, AgentService),
    removeAgent: (tenant: string, agent: string) => call('DELETE', a(tenant, agent), AgentService),
    logs: (tenant: string, agent: string, tail = env.PUBLIC_BERTH_LOG_TAIL) => call('GET', `${a(tenant, agent)}/logs?tail=${tail}`, Logs),
    eventsUrl: (tenant: string) => `${base}${t(tenant)}/events`,

    // audit
    audit: (tenant: string | null, query: { action?: string; actor?: string; from?: string; to?: string; cursor?: number; limit?: number }) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
      return call('GET', `${tenant ? t(tenant) : '/api/v1/admin'}/audit?${qs}`, AuditPage);
    },
    verifyAudit: (tenant: string | null) => call('GET', `${tenant ? t(tenant) : '/api/v1/admin'}/audit/verify`, AuditVerifyResult),
    auditExportUrl: (tenant: string | null) => `${base}${tenant ? t(tenant) : '/api/v1/admin'}/audit/export`,

    // platform admin
    users: (page: number, limit = 20) => call('GET', `/api/v1/admin/users?page=${page}&limit=${limit}`, UserPage),
    deactivate: (userId: string) => call('POST', `/api/v1/admin/users/${encodeURIComponent(userId)}/deactivate`, AdminUser),
    reactivate: (userId: string) => call('POST', `/api/v1/admin/users/${encodeURIComponent(userId)}/reactivate`, AdminUser),
    sharedClusters: () => call('GET', '/api/v1/clusters', Items(Cluster)),
    registerSharedCluster: (body: Partial<CreateClusterBody> & { name: string }) => call('POST', '/api/v1/clusters', ClusterJoin, { body }),
    registration: () => call('GET', '/api/v1/platform/registration', RegistrationPolicy),
    setRegistration: (mode: RegistrationMode) => call('PUT', '/api/v1/platform/registration', RegistrationPolicy, { body: { mode } }),
    newSharedJoinToken: (clusterId: string) => call('POST', `/api/v1/clusters/${encodeURIComponent(clusterId)}/join-tokens`, ClusterJoin, { body: {} }),
  };
}

export type Api = ReturnType<typeof createApi>;

/** The client the pages use (same origin unless PUBLIC_BERTH_API_BASE says otherwise). */
export const api: Api = createApi();
