import { createRoute } from '@hono/zod-openapi';
import type { TenantEventBus } from '../events/tenant-event-bus.ts';
import { authorizedSSE, type StreamGuard } from '../events/authorized-sse.ts';
import { errors, TenantParam, type App } from './openapi.ts';
import { scopeOf } from './request-facts.ts';

/** The tenant's live status stream; it closes within one keep-alive once the caller may no longer read it. */
export function registerEventRoutes(app: App, deps: { bus: TenantEventBus; guard: StreamGuard }) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/tenants/{tenant}/events',
      tags: ['agent services'],
      request: { params: TenantParam },
      responses: { 200: { description: 'text/event-stream: `status` events (StatusStreamEvent) for this tenant only' }, ...errors },
    }),
    (c) => {
      const tenantId = scopeOf(c).tenantId;
      return authorizedSSE(c, deps.guard, { event: 'ready', data: JSON.stringify({ tenantId }) }, (push) =>
        deps.bus.subscribe(tenantId, (event) => push({ event: 'status', data: JSON.stringify(event) })),
      );
    },
  );
}
