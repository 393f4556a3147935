import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ApproveJoinRequestBody, CreateJoinRequestBody, JoinRequest } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import { createJoinRequest, decideJoinRequest, listJoinRequests } from '../services/join-requests.ts';
import { errors, json, jsonBody, TenantParam, type App } from './openapi.ts';
import { requestFacts, scopeOf } from './request-facts.ts';

const tags = ['join-requests'];
const RequestParams = TenantParam.extend({ requestId: z.string().min(1).max(64) });

export function registerJoinRequestRoutes(app: App, deps: ServiceDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tenants/{tenant}/join-requests',
      tags,
      request: { params: TenantParam, body: jsonBody(CreateJoinRequestBody) },
      responses: { 201: json(JoinRequest, 'asked; an admin approves or rejects'), ...errors },
    }),
    async (c) => c.json(await createJoinRequest(deps, requestFacts(c), scopeOf(c), c.req.valid('json').message), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}/join-requests', tags, request: { params: TenantParam }, responses: { 200: json(z.object({ items: z.array(JoinRequest) }), 'requests'), ...errors } }),
    async (c) => c.json({ items: await listJoinRequests(deps, scopeOf(c)) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tenants/{tenant}/join-requests/{requestId}/approve',
      tags,
      request: { params: RequestParams, body: jsonBody(ApproveJoinRequestBody) },
      responses: { 200: json(JoinRequest, 'approved; the requester is a member'), ...errors },
    }),
    async (c) =>
      c.json(await decideJoinRequest(deps, requestFacts(c), scopeOf(c), c.req.valid('param').requestId, { approve: true, role: c.req.valid('json').role }), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/tenants/{tenant}/join-requests/{requestId}/reject', tags, request: { params: RequestParams }, responses: { 200: json(JoinRequest, 'rejected'), ...errors } }),
    async (c) => c.json(await decideJoinRequest(deps, requestFacts(c), scopeOf(c), c.req.valid('param').requestId, { approve: false }), 200),
  );
}
