import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { Scalar } from '@scalar/hono-api-reference';
import { PROTOCOL_VERSION } from '@berth/protocol';
import type { AppDeps } from './deps.ts';
import { createAuth, OIDC_PROVIDER_ID } from './auth/auth.ts';
import { AppError } from './errors.ts';
import { newApp, type App } from './routes/openapi.ts';
import { requestId } from './middleware/request-id.ts';
import { clientIp } from './middleware/client-ip.ts';
import { accessLog } from './middleware/access-log.ts';
import { authenticate } from './middleware/authenticate.ts';
import { authorize } from './middleware/authorize.ts';
import { reauthorizer } from './middleware/reauthorize.ts';
import { idempotency } from './middleware/idempotency.ts';
import { originCheck } from './middleware/origin-check.ts';
import { rateLimit } from './middleware/rate-limit.ts';
import { createMemoryRateLimitStore } from './rate-limit/memory-store.ts';
import { createRefusalTally } from './audit/refusal-tally.ts';
import { trustedOrigins } from './auth/trusted-origins.ts';
import { errorHandler, notFoundHandler, requireJsonBody } from './middleware/error-handler.ts';
import { authRoutes } from './routes/auth.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { registerSetupRoutes } from './routes/setup.ts';
import { registerMeRoutes } from './routes/me.ts';
import { registerTenantRoutes } from './routes/tenants.ts';
import { registerMemberRoutes } from './routes/members.ts';
import { registerInvitationRoutes } from './routes/invitations.ts';
import { registerJoinRequestRoutes } from './routes/join-requests.ts';
import { registerTokenRoutes } from './routes/tokens.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerAdminUserRoutes } from './routes/admin-users.ts';
import { registerClusterRoutes } from './routes/clusters.ts';
import { registerAgentServiceRoutes } from './routes/agent-services.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerRegistrationRoutes } from './routes/registration.ts';
import { registrationRefusal } from './services/registration.ts';
import { clusterLimitsOf } from './services/clusters.ts';

export type { AppDeps } from './deps.ts';

/**
 * Builds the Berth API. The same function serves Node (node.ts) and Workers (worker.ts):
 * everything runtime-specific arrives through `deps`.
 */
export function createApp(deps: AppDeps): App {
  const { config } = deps;
  const oidc =
    config.BERTH_OIDC_ISSUER && config.BERTH_OIDC_CLIENT_ID && config.BERTH_OIDC_CLIENT_SECRET
      ? { issuer: config.BERTH_OIDC_ISSUER, clientId: config.BERTH_OIDC_CLIENT_ID, clientSecret: config.BERTH_OIDC_CLIENT_SECRET, name: config.BERTH_OIDC_NAME }
      : undefined;
  const origins = trustedOrigins(deps.baseUrl, config.BERTH_TRUSTED_ORIGINS);
  const services = { db: deps.db, clock: deps.clock, logger: deps.logger, passwords: deps.passwords };
  const signUpGate = (email: string) => registrationRefusal(services, email);
  const auth = createAuth({
    db: deps.db,
    secret: config.BERTH_SECRET_KEY,
    baseUrl: deps.baseUrl,
    trustedOrigins: origins,
    passwords: deps.passwords,
    logger: deps.logger,
    mailer: deps.mailer,
    oidc,
    admitNewUser: signUpGate,
  });

  const refusals = createRefusalTally(deps);
  const app = newApp();
  app.use('*', requestId());
  app.use('*', clientIp(deps.clientIp));
  app.use('*', accessLog(deps.logger));
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: config.BERTH_MAX_BODY_BYTES,
      onError: () => {
        throw new AppError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${config.BERTH_MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.use('/api/*', requireJsonBody());
  app.use('*', originCheck(origins));
  app.use('*', authenticate({ db: deps.db, auth, clock: deps.clock }));
  app.use('/api/*', rateLimit({ store: deps.rateLimits ?? createMemoryRateLimitStore(), clock: deps.clock, config }));
  app.use('*', authorize(services));
  app.use('/api/v1/*', idempotency(services));

  registerSystemRoutes(app, deps);
  authRoutes(app, auth, { ...services, refusals }, signUpGate);
  registerSetupRoutes(app, { ...services, setupToken: deps.setupToken });
  registerMeRoutes(app, { db: deps.db, oidc: oidc ? { providerId: OIDC_PROVIDER_ID, name: oidc.name } : null });
  const agentServices = { ...services, secrets: deps.secrets, sink: deps.agents.dispatcher, bus: deps.bus };
  registerTenantRoutes(app, agentServices);
  registerMemberRoutes(app, services);
  registerInvitationRoutes(app, services);
  registerJoinRequestRoutes(app, services);
  registerTokenRoutes(app, services);
  registerAuditRoutes(app, services);
  registerAdminUserRoutes(app, services);
  registerRegistrationRoutes(app, services);
  registerClusterRoutes(app, {
    ...services,
    limits: clusterLimitsOf(config),
    sink: deps.agents.dispatcher, edgeKey: deps.agents.edgeKey, edgeKid: deps.agents.edgeKey.kid, baseUrl: deps.baseUrl });
  registerAgentServiceRoutes(app, agentServices);
  registerEventRoutes(app, { bus: deps.bus, guard: { keepAliveMs: config.BERTH_SSE_KEEPALIVE_MS, reauthorize: reauthorizer({ ...services, auth }) } });
  app.get(
    '/api/v1/agents/connect',
    deps.agentSocket ??
      (() => {
        throw new AppError(426, 'VALIDATION_FAILED', 'connect with a WebSocket upgrade');
      }),
  );

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Berth API', version: `${PROTOCOL_VERSION}.0.0`, description: 'Multi-tenant control plane for agent services on Docker Swarm.' },
  });
  app.get('/api/docs', Scalar({ url: '/api/openapi.json', pageTitle: 'Berth API' }));

  app.notFound(notFoundHandler);
  app.onError(errorHandler(deps.logger, refusals));
  return app;
}
