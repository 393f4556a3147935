import type { CommandResult } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import type { Aead } from '../crypto/aead.ts';
import type { TenantEventBus } from '../events/tenant-event-bus.ts';

/** Where new commands go once committed (the dispatcher). */
export interface CommandSink {
  kick(clusterId: string): Promise<void>;
  waitFor(commandId: string, timeoutMs: number): Promise<CommandResult | undefined>;
  /** The agent was revoked: close its open sockets and hand its work to another agent. */
  agentRevoked(agentId: string, clusterId: string): Promise<void>;
}

export interface AgentServiceDeps extends ServiceDeps {
  secrets: Aead;
  sink: CommandSink;
  bus: TenantEventBus;
}
