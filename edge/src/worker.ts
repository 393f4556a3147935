import { createApp } from './app.ts';
import type { App } from './routes/openapi.ts';
import { systemClock } from './clock.ts';
import { createScryptPasswordHasher } from './adapters/scrypt-password.ts';
import { workerBase } from './adapters/worker-env.ts';
import { workerAgentSocket } from './adapters/worker-agent-socket.ts';
import { createAead } from './crypto/aead.ts';
import { loadOrCreateEdgeKey } from './agents/edge-key.ts';
import { isSetupDone } from './services/setup.ts';
import { DurableTenantEventBus } from './durable/durable-event-bus.ts';
import { DurableCommandSink } from './durable/durable-command-sink.ts';
import { pruneExpired, retentionOf } from './agents/retention.ts';
import { createLogMailer } from './mail/mailer.ts';
import { DurableRateLimitStore } from './durable/rate-limiter.ts';

export { ClusterHub } from './durable/cluster-hub.ts';
export { TenantEvents } from './durable/tenant-events.ts';
export { RateLimiter } from './durable/rate-limiter.ts';

/**
 * Workers entry: the same createApp(deps) as Node. The app is built once per isolate, on the
 * first request (a Worker has no start-up hook with bindings). Agent sockets and the dispatcher
 * live in a ClusterHub per cluster; status events fan out from a TenantEvents per tenant.
 */
let app: Promise<App> | undefined;

async function buildApp(env: Env, origin: string): Promise<App> {
  const { config, logger, db } = workerBase(env);
  const setupDone = await isSetupDone({ db });
  if (!setupDone && !config.BERTH_SETUP_TOKEN) logger.warn('setup has not run and BERTH_SETUP_TOKEN is not set: set it with `wrangler secret put`');
  const edgeKey = await loadOrCreateEdgeKey(db, config.BERTH_SECRET_KEY);
  // nodemailer needs Node's sockets; account mail on Workers goes to the log (links included).
  if (config.BERTH_SMTP_HOST) logger.warn('BERTH_SMTP_HOST is ignored on Workers: account mails are written to the log');
  return createApp({
    config,
    db,
    logger,
    clock: systemClock,
    passwords: createScryptPasswordHasher(),
    baseUrl: config.BERTH_BASE_URL ?? origin,
    setupToken: setupDone ? undefined : config.BERTH_SETUP_TOKEN,
    agents: { edgeKey, dispatcher: new DurableCommandSink(env.CLUSTER_HUB, db) },
    mailer: createLogMailer(logger),
    bus: new DurableTenantEventBus(env.TENANT_EVENTS, logger),
    secrets: await createAead(config.BERTH_SECRET_KEY, 'tenant-secret'),
    agentSocket: workerAgentSocket(env.CLUSTER_HUB, db),
    rateLimits: new DurableRateLimitStore(env.RATE_LIMITER),
    // Set by Cloudflare's edge for every request; clients cannot supply their own.
    clientIp: (c) => c.req.header('cf-connecting-ip') ?? null,
  });
}

export default {
  async fetch(request, env, ctx) {
    app ??= buildApp(env, new URL(request.url).origin).catch((err: unknown) => {
      app = undefined;
      throw err;
    });
    return (await app).fetch(request, env, ctx);
  },
  /** Hourly (wrangler.toml `crons`): retention, also when no cluster has an agent to wake its hub. */
  async scheduled(_controller, env) {
    const { config, logger, db } = workerBase(env);
    const pruned = await pruneExpired(db, systemClock.now(), retentionOf(config));
    if (pruned.commands || pruned.events) logger.info('expired rows pruned', pruned);
  },
} satisfies ExportedHandler<Env>;
