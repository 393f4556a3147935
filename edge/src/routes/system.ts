import { sql } from 'drizzle-orm';
import type { Db } from '@berth/db';
import type { App } from './openapi.ts';

/** Liveness (process answers) and readiness (database answers). */
export function registerSystemRoutes(app: App, deps: { db: Db }) {
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    try {
      await deps.db.run(sql`select 1`);
      return c.json({ ok: true, database: 'up' });
    } catch {
      return c.json({ ok: false, database: 'down' }, 503);
    }
  });
}
