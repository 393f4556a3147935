import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { openDb } from '@berth/db';
import { applyMigrations } from '@berth/db/migrate';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { systemClock } from './clock.ts';
import { createScryptPasswordHasher } from './adapters/scrypt-password.ts';
import { loadOrCreateSecretKey, newSetupToken, stateDir } from './adapters/node-secrets.ts';
import { isSetupDone } from './services/setup.ts';
import { createAgentDeps } from './compose.ts';
import { attachAgentSockets } from './adapters/node-agent-socket.ts';

/** Node entry: embedded libSQL by default, migrations on start, graceful shutdown. */
async function main() {
  const preliminary = process.env.BERTH_DATABASE_URL ?? 'file:.berth/berth.db';
  const dir = stateDir(preliminary);
  mkdirSync(dir, { recursive: true });
  const config = loadConfig(process.env, { secretKey: process.env.BERTH_SECRET_KEY ? undefined : loadOrCreateSecretKey(dir) });
  const logger = createLogger(config.BERTH_LOG_LEVEL);

  const { db, client } = await openDb({ url: config.BERTH_DATABASE_URL, authToken: config.BERTH_DATABASE_AUTH_TOKEN });
  await applyMigrations(db);

  let setupToken: string | undefined;
  if (!(await isSetupDone({ db }))) {
    setupToken = config.BERTH_SETUP_TOKEN ?? newSetupToken();
    if (!config.BERTH_SETUP_TOKEN) {
      // Printed, never logged as a field: it is shown to the person starting Berth, once.
      process.stdout.write(`\n  Berth first-boot setup token: ${setupToken}\n  Use it at /setup (or POST /api/v1/setup) to create the first administrator.\n\n`);
    }
  }

  const baseUrl = config.BERTH_BASE_URL ?? `http://localhost:${config.PORT}`;
  const agentDeps = await createAgentDeps({ db, clock: systemClock, logger, secretKey: config.BERTH_SECRET_KEY });
  const app = createApp({
    ...agentDeps,
    config,
    db,
    logger,
    clock: systemClock,
    passwords: createScryptPasswordHasher(),
    baseUrl,
    setupToken,
    clientIp: (c) => getConnInfo(c).remote.address ?? null,
  });

  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    logger.info('berth edge listening', { url: baseUrl, port: info.port });
  });

  attachAgentSockets(server as Server, agentDeps.agents, logger);
  // Re-send unanswered commands and deliver anything queued, even without new requests.
  const ticker = setInterval(() => void agentDeps.agents.tick().catch(() => undefined), 5_000);
  ticker.unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    clearInterval(ticker);
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(() => {
      client.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: 'berth edge failed to start', error: err instanceof Error ? err.message : String(err) }));
  process.exit(1);
});
