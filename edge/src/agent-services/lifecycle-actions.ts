import { AgentServiceSpec, type AgentService, type Command } from '@berth/protocol';
import type { RequestFacts, TenantScope } from '../context.ts';
import { commitAudited } from '../audit/record.ts';
import { enqueueCommand } from '../agents/outbox.ts';
import { getQuota } from '../services/tenants.ts';
import { assertWithinQuota, currentUse } from '../services/quota-check.ts';
import type { AgentServiceDeps } from './deps.ts';
import { add, footprint } from './admission.ts';
import { toDto } from './dto.ts';
import { loadService } from './queries.ts';
import { onlineClusters } from './shown-status.ts';
import { assertAccepted, batchWrites, publish, statusBatch, transition, type Row } from './transition.ts';

export type Lifecycle = { kind: 'scale'; replicas: number } | { kind: 'restart' } | { kind: 'stop' } | { kind: 'start' } | { kind: 'remove' };

/** The replicas an operation leaves, the ones remembered for a later start, and its command. */
function plan(op: Lifecycle, fresh: Row): { replicas: number; remembered: number; cmd: Command } {
  const target = { tenantId: fresh.tenantId, agentServiceId: fresh.id };
  switch (op.kind) {
    case 'scale':
      return { replicas: op.replicas, remembered: op.replicas > 0 ? op.replicas : fresh.rememberedReplicas, cmd: { kind: 'service.scale', ...target, replicas: op.replicas } };
    case 'stop':
      return { replicas: 0, remembered: fresh.replicas > 0 ? fresh.replicas : fresh.rememberedReplicas, cmd: { kind: 'service.scale', ...target, replicas: 0 } };
    case 'start': {
      const replicas = Math.max(1, fresh.rememberedReplicas);
      return { replicas, remembered: fresh.rememberedReplicas, cmd: { kind: 'service.scale', ...target, replicas } };
    }
    case 'restart':
      return { replicas: fresh.replicas, remembered: fresh.rememberedReplicas, cmd: { kind: 'service.restart', ...target } };
    case 'remove':
      return { replicas: fresh.replicas, remembered: fresh.rememberedReplicas, cmd: { kind: 'service.remove', ...target } };
  }
}

/** Scale, restart, stop (to 0, remembering replicas), start, remove. */
export async function changeLifecycle(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope, ref: string, op: Lifecycle): Promise<AgentService> {
  const current = await loadService(deps.db, scope, ref);
  assertAccepted(current.status, op.kind);
  const { row, batch } = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const fresh = await loadService(deps.db, scope, current.id);
    const spec = AgentServiceSpec.parse(JSON.parse(fresh.spec));
    const now = deps.clock.now();
    const { replicas, remembered, cmd } = plan(op, fresh);
    if (replicas > fresh.replicas) {
      assertWithinQuota(await getQuota(deps, scope), add(await currentUse(deps.db, scope.tenantId, fresh.id), footprint({ replicas, limits: spec.limits })));
    }
    const batch = statusBatch(deps.db, now);
    const set = () => ({ replicas, rememberedReplicas: remembered, spec: JSON.stringify({ ...spec, replicas }), updatedAt: now });
    const row = transition(batch, fresh, { event: op.kind, replicas, reason: null, set }) ?? fresh;
    batch.writes.push(enqueueCommand(deps.db, { clusterId: fresh.clusterId, tenantId: scope.tenantId, agentServiceId: fresh.id, cmd, actor: req.actor, now }));
    return {
      writes: batchWrites(batch),
      note: { action: `agent-service.${op.kind}`, targetType: 'agent-service', targetId: fresh.id, details: op.kind === 'scale' ? { replicas: op.replicas } : null },
      result: { row, batch },
    };
  });
  publish(deps.bus, batch);
  void deps.sink.kick(current.clusterId);
  return toDto(row, await onlineClusters(deps.db, deps.clock.now()));
}
