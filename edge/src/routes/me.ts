import { createRoute } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { AuthProviders, Me } from '@berth/protocol';
import { user, type Db } from '@berth/db';
import { AppError } from '../errors.ts';
import { readRegistrationMode } from '../services/registration.ts';
import { errors, json, type App } from './openapi.ts';

export function registerMeRoutes(app: App, deps: { db: Db; oidc: { providerId: string; name: string } | null }) {
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/me', tags: ['me'], responses: { 200: json(Me, 'the signed-in user'), ...errors } }),
    async (c) => {
      const actor = c.get('actor');
      if (actor.kind !== 'user') throw new AppError(401, 'UNAUTHENTICATED', 'sign in first');
      const row = await deps.db.select().from(user).where(eq(user.id, actor.userId)).get();
      if (!row) throw new AppError(401, 'UNAUTHENTICATED', 'sign in first');
      return c.json({ id: row.id, email: row.email, name: row.name, platformRole: row.platformRole, twoFactorEnabled: row.twoFactorEnabled === true, emailVerified: row.emailVerified }, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/auth/providers', tags: ['me'], responses: { 200: json(AuthProviders, 'sign-in methods on offer and who may sign up') } }),
    async (c) => c.json({ emailPassword: true, oidc: deps.oidc, registration: await readRegistrationMode(deps) }, 200),
  );
}
