import type { Db } from '@berth/db';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { loadOrCreateEdgeKey } from './agents/edge-key.ts';
import { AgentRuntime } from './agents/agent-runtime.ts';
import { DEFAULT_AGENT_LIMITS, type AgentLimits } from './agents/agent-limits.ts';
import { DEFAULT_RETENTION, type RetentionPolicy } from './agents/retention.ts';
import { MemoryAgentHub, type AgentHub } from './hub/agent-hub.ts';
import { MemoryTenantEventBus, type TenantEventBus } from './events/tenant-event-bus.ts';
import { createAead } from './crypto/aead.ts';

/**
 * The agent-facing parts of AppDeps, runtime-neutral. Entries pass their own hub and bus (a
 * Durable Object on Workers); Node and tests use the in-memory ones.
 */
export async function createAgentDeps(opts: { db: Db; clock: Clock; logger: Logger; secretKey: string; hub?: AgentHub; bus?: TenantEventBus; limits?: AgentLimits; retention?: RetentionPolicy }) {
  const hub = opts.hub ?? new MemoryAgentHub();
  const bus = opts.bus ?? new MemoryTenantEventBus();
  const secrets = await createAead(opts.secretKey, 'tenant-secret');
  const edgeKey = await loadOrCreateEdgeKey(opts.db, opts.secretKey);
  const agents = new AgentRuntime({ db: opts.db, hub, bus, clock: opts.clock, logger: opts.logger, edgeKey, secrets, limits: opts.limits ?? DEFAULT_AGENT_LIMITS, retention: opts.retention ?? DEFAULT_RETENTION });
  return { agents, bus, secrets, hub };
}
