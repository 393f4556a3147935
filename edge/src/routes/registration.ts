import { createRoute } from '@hono/zod-openapi';
import { RegistrationPolicy } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import { readRegistrationMode, setRegistrationMode } from '../services/registration.ts';
import { errors, json, jsonBody, type App } from './openapi.ts';
import { requestFacts } from './request-facts.ts';

const tags = ['platform'];
const path = '/api/v1/platform/registration';

export function registerRegistrationRoutes(app: App, deps: ServiceDeps) {
  app.openapi(
    createRoute({ method: 'get', path, tags, responses: { 200: json(RegistrationPolicy, 'who may create an account'), ...errors } }),
    async (c) => c.json({ mode: await readRegistrationMode(deps) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path,
      tags,
      request: { body: jsonBody(RegistrationPolicy) },
      responses: { 200: json(RegistrationPolicy, 'the new policy; applies to every later sign-up, email or OIDC'), ...errors },
    }),
    async (c) => c.json(await setRegistrationMode(deps, requestFacts(c), c.req.valid('json')), 200),
  );
}
