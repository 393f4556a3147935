import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { AdminUser, PageMeta, PageQuery } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import { deactivateUser, listUsers, reactivateUser } from '../services/admin-users.ts';
import { errors, json, type App } from './openapi.ts';
import { requestFacts } from './request-facts.ts';

const tags = ['platform'];
const UserParam = z.object({ userId: z.string().min(1).max(64) });

export function registerAdminUserRoutes(app: App, deps: ServiceDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/users',
      tags,
      request: { query: PageQuery },
      responses: { 200: json(PageMeta.extend({ items: z.array(AdminUser) }), 'a page of users; past the end answers the last page'), ...errors },
    }),
    async (c) => c.json(await listUsers(deps, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/admin/users/{userId}/deactivate', tags, request: { params: UserParam }, responses: { 200: json(AdminUser, 'deactivated; sessions ended'), ...errors } }),
    async (c) => c.json(await deactivateUser(deps, requestFacts(c), c.req.valid('param').userId), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/admin/users/{userId}/reactivate', tags, request: { params: UserParam }, responses: { 200: json(AdminUser, 'reactivated'), ...errors } }),
    async (c) => c.json(await reactivateUser(deps, requestFacts(c), c.req.valid('param').userId), 200),
  );
}
