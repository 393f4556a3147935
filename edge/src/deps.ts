import type { Context, Handler } from 'hono';
import type { Db } from '@berth/db';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Clock } from './clock.ts';
import type { PasswordHasher } from './auth/password-hasher.ts';
import type { EdgeKey } from './agents/edge-key.ts';
import type { CommandSink } from './agent-services/index.ts';
import type { TenantEventBus } from './events/tenant-event-bus.ts';
import type { Aead } from './crypto/aead.ts';
import type { Mailer } from './mail/mailer.ts';
import type { RateLimitStore } from './rate-limit/store.ts';

/**
 * Everything the app needs from its runtime. Entries (node.ts, worker.ts) build these; app.ts
 * and everything below it stay free of runtime imports.
 */
export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock: Clock;
  passwords: PasswordHasher;
  /** Public origin of the API (cookies, OAuth redirects). */
  baseUrl: string;
  /** The first-boot token while setup has not run; undefined once it has (or when none was issued). */
  setupToken: string | undefined;
  /**
   * The edge signing key and where new commands go. On Node the AgentRuntime itself; on Workers
   * a sink that forwards to the cluster's Durable Object, where the dispatcher runs.
   */
  agents: { edgeKey: EdgeKey; dispatcher: CommandSink };
  /** Status fan-out to SSE subscribers. */
  bus: TenantEventBus;
  /** Account mail (email verification, password reset): SMTP on Node when configured, else the log. */
  mailer: Mailer;
  /** Seals tenant secret values at rest. */
  secrets: Aead;
  /**
   * Answers `GET /api/v1/agents/connect` with a WebSocket upgrade. Node attaches `ws` to its
   * server instead (and leaves this unset); Workers hand the socket to the cluster's Durable Object.
   */
  agentSocket?: Handler;
  /** Where rate-limit counters live; in-process memory when absent (one Node process). */
  rateLimits?: RateLimitStore;
  /** The caller's address as the runtime sees it. */
  clientIp?: (c: Context) => string | null;
}
