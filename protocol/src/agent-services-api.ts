import { z } from 'zod';
import { AgentServiceSpec, ResourceLimits, SecretName } from './agent-service-spec.ts';
import { ServiceHealth, TaskSummary } from './events.ts';
import { PageMeta } from './api.ts';

/** Secret values by name; write-only (no API ever returns them). */
export const SecretValues = z.record(SecretName, z.string().min(1).max(500 * 1024)).refine((r) => Object.keys(r).length <= 64, 'at most 64 secrets');

const SpecFields = AgentServiceSpec.omit({ secrets: true, replicas: true, limits: true });

/** `POST /api/v1/tenants/:tenant/agents`. Limits default from the tenant's quota when omitted. */
export const CreateAgentServiceBody = SpecFields.extend({
  secrets: SecretValues.default({}),
  replicas: z.number().int().min(0).max(100).default(1),
  limits: ResourceLimits.optional(),
  clusterId: z.string().min(1).max(64).optional(),
});
export type CreateAgentServiceBody = z.infer<typeof CreateAgentServiceBody>;

/**
 * `PATCH /api/v1/tenants/:tenant/agents/:agent`: fields to change. `secrets` replaces the whole
 * set (a name mapped to null removes it). The name and cluster are fixed for life.
 */
export const UpdateAgentServiceBody = SpecFields.omit({ name: true })
  .partial()
  .extend({
    secrets: z.record(SecretName, z.string().min(1).max(500 * 1024).nullable()).optional(),
    limits: ResourceLimits.optional(),
    replicas: z.number().int().min(0).max(100).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdateAgentServiceBody = z.infer<typeof UpdateAgentServiceBody>;

export const ScaleBody = z.strictObject({ replicas: z.number().int().min(0).max(100) });

export const AgentServiceEvent = z.object({ status: ServiceHealth, reason: z.string().nullable(), at: z.string() });

/** An agent service as the API shows it: desired spec (secret names only) and observed status. */
export const AgentService = z.object({
  id: z.string(),
  tenantId: z.string(),
  clusterId: z.string(),
  name: z.string(),
  spec: AgentServiceSpec,
  specHash: z.string(),
  replicas: z.number().int(),
  status: ServiceHealth,
  statusReason: z.string().nullable(),
  tasks: z.array(TaskSummary),
  observedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AgentService = z.infer<typeof AgentService>;

export const AgentServiceDetails = AgentService.extend({ recentEvents: z.array(AgentServiceEvent) });

export const AgentServiceListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: ServiceHealth.optional(),
});

export const AgentServicePage = PageMeta.extend({ items: z.array(AgentService) });

export const LogsQuery = z.strictObject({ tail: z.coerce.number().int().min(1).max(5000).default(200) });

/** Current use against quota, and replica-seconds consumed so far. */
export const Usage = z.object({
  quota: z.object({ maxAgentServices: z.number(), maxTotalReplicas: z.number(), maxCpuCores: z.number(), maxMemoryMb: z.number() }),
  used: z.object({ agentServices: z.number(), totalReplicas: z.number(), cpuCores: z.number(), memoryMb: z.number() }),
  replicaSeconds: z.number(),
  at: z.string(),
});
export type Usage = z.infer<typeof Usage>;

/** One Server-Sent Event on `GET /api/v1/tenants/:tenant/events` (event name `status`). */
export const StatusStreamEvent = z.object({
  agentServiceId: z.string(),
  name: z.string(),
  status: ServiceHealth,
  reason: z.string().nullable(),
  at: z.string(),
});
export type StatusStreamEvent = z.infer<typeof StatusStreamEvent>;
