import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ApiToken, CreateApiTokenBody, CreatedApiToken } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import { createToken, listTokens, revokeToken } from '../services/tokens.ts';
import { errors, json, jsonBody, Ok, TenantParam, type App } from './openapi.ts';
import { requestFacts, scopeOf } from './request-facts.ts';

const tags = ['tokens'];

export function registerTokenRoutes(app: App, deps: ServiceDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tenants/{tenant}/tokens',
      tags,
      request: { params: TenantParam, body: jsonBody(CreateApiTokenBody) },
      responses: { 201: json(CreatedApiToken, 'created; `token` is shown this once'), ...errors },
    }),
    async (c) => c.json(await createToken(deps, requestFacts(c), scopeOf(c), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}/tokens', tags, request: { params: TenantParam }, responses: { 200: json(z.object({ items: z.array(ApiToken) }), 'live tokens'), ...errors } }),
    async (c) => c.json({ items: await listTokens(deps, scopeOf(c)) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/tenants/{tenant}/tokens/{tokenId}',
      tags,
      request: { params: TenantParam.extend({ tokenId: z.string().min(1).max(64) }) },
      responses: { 200: json(Ok, 'revoked'), ...errors },
    }),
    async (c) => {
      await revokeToken(deps, requestFacts(c), scopeOf(c), c.req.valid('param').tokenId);
      return c.json({ ok: true as const }, 200);
    },
  );
}
