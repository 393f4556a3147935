import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { Member, UpdateMemberBody } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import { listMembers, removeMember, updateMemberRole } from '../services/members.ts';
import { errors, json, jsonBody, Ok, TenantParam, type App } from './openapi.ts';
import { requestFacts, scopeOf } from './request-facts.ts';

const tags = ['members'];
const MemberParams = TenantParam.extend({ userId: z.string().min(1).max(64) });

export function registerMemberRoutes(app: App, deps: ServiceDeps) {
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}/members', tags, request: { params: TenantParam }, responses: { 200: json(z.object({ items: z.array(Member) }), 'members'), ...errors } }),
    async (c) => c.json({ items: await listMembers(deps, scopeOf(c)) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/tenants/{tenant}/members/{userId}',
      tags,
      request: { params: MemberParams, body: jsonBody(UpdateMemberBody) },
      responses: { 200: json(Member, 'role changed'), ...errors },
    }),
    async (c) => c.json(await updateMemberRole(deps, requestFacts(c), scopeOf(c), c.req.valid('param').userId, c.req.valid('json').role), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/api/v1/tenants/{tenant}/members/{userId}', tags, request: { params: MemberParams }, responses: { 200: json(Ok, 'removed'), ...errors } }),
    async (c) => {
      await removeMember(deps, requestFacts(c), scopeOf(c), c.req.valid('param').userId);
      return c.json({ ok: true as const }, 200);
    },
  );
}
