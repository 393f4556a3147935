import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { SetupBody, SetupStatus } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import { isSetupDone, runSetup } from '../services/setup.ts';
import { errors, json, jsonBody, type App } from './openapi.ts';
import { requestFacts } from './request-facts.ts';

const tags = ['setup'];

export function registerSetupRoutes(app: App, deps: ServiceDeps & { setupToken: string | undefined }) {
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/setup', tags, responses: { 200: json(SetupStatus, 'whether first-boot setup is still open') } }),
    async (c) => c.json({ needsSetup: !(await isSetupDone(deps)) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/setup',
      tags,
      request: { body: jsonBody(SetupBody) },
      responses: { 201: json(z.object({ userId: z.string(), email: z.string() }), 'the first platform admin'), ...errors },
    }),
    async (c) => c.json(await runSetup(deps, requestFacts(c), deps.setupToken, c.req.valid('json')), 201),
  );
}
