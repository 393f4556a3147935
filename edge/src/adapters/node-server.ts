import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { openDb } from '@berth/db';
import { applyMigrations } from '@berth/db/migrate';
import { createApp } from '../app.ts';
import { loadConfig, type RawEnv } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { systemClock } from '../clock.ts';
import { createScryptPasswordHasher } from './scrypt-password.ts';
import { loadOrCreateSecretKey, newSetupToken, stateDir } from './node-secrets.ts';
import { isSetupDone } from '../services/setup.ts';
import { createAgentDeps } from '../compose.ts';
import { attachAgentSockets } from './node-agent-socket.ts';
import { localAgentJoinToken } from '../services/local-cluster.ts';
import { clusterLimitsOf } from '../services/clusters.ts';
import { defaultWebDir, staticFiles } from './static-files.ts';
import { agentLimitsOf } from '../agents/agent-limits.ts';
import { retentionOf } from '../agents/retention.ts';
import { createSmtpMailer } from './smtp-mailer.ts';
import { createLogMailer, type Mailer } from '../mail/mailer.ts';

export interface NodeServer {
  url: string;
  port: number;
  setupToken: string | undefined;
  deps: Awaited<ReturnType<typeof createAgentDeps>> & { db: Awaited<ReturnType<typeof openDb>>['db'] };
  close(): Promise<void>;
}

/**
 * Builds and serves Berth on Node: embedded libSQL by default, migrations on start, agent
 * WebSockets on the same server, and a 5 s tick that re-sends unanswered commands.
 * `PORT=0` picks a free port (tests).
 */
export async function startNodeServer(
  env: RawEnv,
  opts: {
    logger?: Logger;
    onSetupToken?: (token: string) => void;
    /** Built UI to serve on the same origin; defaults to web/dist when built, `null` serves none. */
    webDir?: string | null;
    /** Replaces the mailer the config chooses (SMTP when BERTH_SMTP_HOST is set, else the log); tests capture mail with it. */
    mailer?: Mailer;
  } = {},
): Promise<NodeServer> {
  const dir = stateDir(env.BERTH_DATABASE_URL ?? 'file:.berth/berth.db');
  mkdirSync(dir, { recursive: true });
  const config = loadConfig(env, { secretKey: env.BERTH_SECRET_KEY ? undefined : loadOrCreateSecretKey(dir) });
  const logger = opts.logger ?? createLogger(config.BERTH_LOG_LEVEL);
  const { db, client } = await openDb({ url: config.BERTH_DATABASE_URL, authToken: config.BERTH_DATABASE_AUTH_TOKEN });
  await applyMigrations(db);

  let setupToken: string | undefined;
  if (!(await isSetupDone({ db }))) {
    setupToken = config.BERTH_SETUP_TOKEN ?? newSetupToken();
    if (!config.BERTH_SETUP_TOKEN) opts.onSetupToken?.(setupToken);
  }

  const agentDeps = await createAgentDeps({ db, clock: systemClock, logger, secretKey: config.BERTH_SECRET_KEY, limits: agentLimitsOf(config), retention: retentionOf(config) });
  const port = config.PORT === 0 ? await freePort() : config.PORT;
  const baseUrl = config.BERTH_BASE_URL ?? `http://localhost:${port}`;
  const smtpHost = config.BERTH_SMTP_HOST;
  const mailer = opts.mailer ?? (smtpHost ? createSmtpMailer({ ...config, BERTH_SMTP_HOST: smtpHost }) : createLogMailer(logger));
  const app = createApp({
    ...agentDeps,
    config,
    db,
    logger,
    clock: systemClock,
    passwords: createScryptPasswordHasher(),
    baseUrl,
    setupToken,
    mailer,
    clientIp: (c) => getConnInfo(c).remote.address ?? null,
  });

  const webDir = opts.webDir === undefined ? defaultWebDir() : (opts.webDir ?? undefined);
  const ui = webDir ? staticFiles(webDir) : undefined;
  const handler: typeof app.fetch = ui ? async (req, ...rest) => (await ui(req)) ?? app.fetch(req, ...rest) : app.fetch;
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: handler, port, hostname: '0.0.0.0' }, () => resolve(s as Server)) as Server;
  });
  const wss = attachAgentSockets(server, agentDeps.agents, logger);
  const ticker = setInterval(() => void agentDeps.agents.tick().catch(() => undefined), 5_000);
  ticker.unref();
  logger.info('berth edge listening', { url: baseUrl, port, ui: webDir ? 'served' : 'not built', mail: mailer.kind });
  if (config.BERTH_LOCAL_AGENT_TOKEN_FILE) {
    const token = await localAgentJoinToken({ db, clock: systemClock, logger, passwords: createScryptPasswordHasher(), edgeKid: agentDeps.agents.edgeKey.kid, baseUrl, limits: clusterLimitsOf(config) });
    writeFileSync(config.BERTH_LOCAL_AGENT_TOKEN_FILE, token, { mode: 0o600 });
  }

  return {
    url: baseUrl,
    port,
    setupToken,
    deps: { ...agentDeps, db },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => {
          client.close();
          resolve();
        });
      }),
  };
}

/** A port the OS says is free now (PORT=0 in tests). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
