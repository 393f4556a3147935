import { z } from 'zod';

/**
 * Berth's view of an agent service, derived by the agent from Swarm tasks, `UpdateStatus` and
 * container health.
 *
 * ```
 *   pending ──► deploying ──► running ◄──► degraded
 *                  │  ▲          │             │
 *                  ▼  └──────────┤ (update)    ▼
 *                failed ◄────────┴──────────  failed
 *   (any) ──► removing ──► removed        stopped = 0 replicas desired
 *   unknown = the agent cannot tell (Docker unreachable, service not found yet)
 * ```
 * A rollback (`UpdateStatus.State` rollback_*) never reads as `running`: it is `degraded` while the
 * previous version serves, or `failed` when nothing does.
 */
export const ServiceHealth = z.enum(['pending', 'deploying', 'running', 'degraded', 'failed', 'stopped', 'removing', 'removed', 'unknown']);
/** Parsed value of {@link ServiceHealth}. */
export type ServiceHealth = z.infer<typeof ServiceHealth>;

/** One Swarm task as reported in a status event (`state`/`desiredState` are Swarm task states). */
export const TaskSummary = z.object({
  id: z.string(),
  state: z.string(),
  desiredState: z.string(),
  message: z.string().optional(),
  error: z.string().optional(),
  nodeId: z.string().optional(),
  /** Container health when the image or spec has a healthcheck: `starting`, `healthy`, `unhealthy`. */
  health: z.string().optional(),
});
/** Parsed value of {@link TaskSummary}. */
export type TaskSummary = z.infer<typeof TaskSummary>;

/** The status of one agent service at a moment; `reason` says why it is not `running`. */
export const ServiceStatusEvent = z.object({
  type: z.literal('service.status'),
  tenantId: z.string(),
  agentServiceId: z.string(),
  status: ServiceHealth,
  reason: z.string().max(2048).optional(),
  /** The Berth spec hash currently deployed (the `berth.spec-hash` label), when known. */
  specHash: z.string().optional(),
  tasks: z.array(TaskSummary).max(200),
  /** Epoch milliseconds at the agent. */
  at: z.number().int(),
});
/** Parsed value of {@link ServiceStatusEvent}. */
export type ServiceStatusEvent = z.infer<typeof ServiceStatusEvent>;

/** Every event an agent reports inside a signed `agent:events` batch. */
export const AgentEvent = z.discriminatedUnion('type', [ServiceStatusEvent]);
/** Parsed value of {@link AgentEvent}. */
export type AgentEvent = z.infer<typeof AgentEvent>;
