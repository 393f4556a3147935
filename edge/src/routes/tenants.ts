import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { CreateTenantBody, Quota, Tenant, UpdateTenantBody } from '@berth/protocol';
import { deleteTenant } from '../services/tenant-deletion.ts';
import type { AgentServiceDeps } from '../agent-services/index.ts';
import { createTenant, getQuota, getTenant, listMyTenants, putQuota, updateTenant } from '../services/tenants.ts';
import { errors, json, jsonBody, TenantParam, type App } from './openapi.ts';
import { requestFacts, scopeOf } from './request-facts.ts';

const tags = ['tenants'];

export function registerTenantRoutes(app: App, deps: AgentServiceDeps) {
  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/tenants', tags, request: { body: jsonBody(CreateTenantBody) }, responses: { 201: json(Tenant, 'created; you are its owner'), ...errors } }),
    async (c) => c.json(await createTenant(deps, requestFacts(c), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants', tags, responses: { 200: json(z.object({ items: z.array(Tenant) }), 'tenants you belong to'), ...errors } }),
    async (c) => c.json({ items: await listMyTenants(deps, requestFacts(c)) }, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}', tags, request: { params: TenantParam }, responses: { 200: json(Tenant, 'the tenant'), ...errors } }),
    async (c) => c.json(await getTenant(deps, scopeOf(c)), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/tenants/{tenant}',
      tags,
      request: { params: TenantParam, body: jsonBody(UpdateTenantBody) },
      responses: { 200: json(Tenant, 'updated'), ...errors },
    }),
    async (c) => c.json(await updateTenant(deps, requestFacts(c), scopeOf(c), c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/api/v1/tenants/{tenant}', tags, request: { params: TenantParam }, responses: { 200: json(Tenant, 'now deleting'), ...errors } }),
    async (c) => c.json(await deleteTenant(deps, requestFacts(c), scopeOf(c)), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}/quota', tags: ['quota'], request: { params: TenantParam }, responses: { 200: json(Quota, 'the quota'), ...errors } }),
    async (c) => c.json(await getQuota(deps, scopeOf(c)), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/tenants/{tenant}/quota',
      tags: ['quota'],
      request: { params: TenantParam, body: jsonBody(Quota) },
      responses: { 200: json(Quota, 'the new quota'), ...errors },
    }),
    async (c) => c.json(await putQuota(deps, requestFacts(c), scopeOf(c), c.req.valid('json')), 200),
  );
}
