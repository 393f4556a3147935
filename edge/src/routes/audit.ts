import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { AuditEntry, AuditQuery, AuditVerifyResult } from '@berth/protocol';
import type { Db } from '@berth/db';
import { listAudit, PLATFORM_CHAIN, walkChain } from '../audit/store.ts';
import { verifyChain } from '../audit/chain.ts';
import { errors, json, TenantParam, type App } from './openapi.ts';
import { scopeOf, type ScopeReader } from './request-facts.ts';

const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.number().int().nullable() });
const ndjson = { description: 'application/x-ndjson: one audit entry per line, oldest first' };

/** Streams a chain as NDJSON, page by page, so long chains never sit in memory whole. */
function exportStream(db: Db, chain: string): ReadableStream<Uint8Array> {
  const rows = walkChain(db, chain);
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
    },
  });
}

export function registerAuditRoutes(app: App, deps: { db: Db }) {
  const { db } = deps;
  for (const scope of ['tenant', 'platform'] as const) {
    const base = scope === 'tenant' ? '/api/v1/tenants/{tenant}/audit' : '/api/v1/admin/audit';
    const params = scope === 'tenant' ? { params: TenantParam } : {};
    const chainOf = (c: ScopeReader) => (scope === 'tenant' ? scopeOf(c).tenantId : PLATFORM_CHAIN);
    const tags = [scope === 'tenant' ? 'audit' : 'platform'];
    app.openapi(
      createRoute({ method: 'get', path: base, tags, request: { ...params, query: AuditQuery }, responses: { 200: json(AuditPage, 'newest first'), ...errors } }),
      async (c) => c.json(await listAudit(db, chainOf(c), c.req.valid('query')), 200),
    );
    app.openapi(
      createRoute({ method: 'get', path: `${base}/verify`, tags, request: params, responses: { 200: json(AuditVerifyResult, 'chain check'), ...errors } }),
      async (c) => c.json(await verifyChain(walkChain(db, chainOf(c))), 200),
    );
    app.openapi(
      createRoute({ method: 'get', path: `${base}/export`, tags, request: params, responses: { 200: ndjson, ...errors } }),
      async (c) => {
        const chain = chainOf(c);
        return new Response(exportStream(db, chain), {
          status: 200,
          headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': `attachment; filename="berth-audit-${chain}.ndjson"` },
        });
      },
    );
  }
}
