import { and, eq, ne } from 'drizzle-orm';
import { agentService, agentServiceSecret } from '@berth/db';
import { AgentServiceSpec, type AgentService, type Command, type CreateAgentServiceBody } from '@berth/protocol';
import { actorId, type RequestFacts, type TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { enqueueCommand } from '../agents/outbox.ts';
import { secretVersion, upsertFor } from '../agents/service-upsert.ts';
import { admissionPolicyOf, defaultClusterFor, findClusterFor } from '../services/clusters.ts';
import { getQuota } from '../services/tenants.ts';
import { assertWithinQuota, currentUse } from '../services/quota-check.ts';
import type { AgentServiceDeps } from './deps.ts';
import { add, admit, footprint } from './admission.ts';
import { toDto } from './dto.ts';
import { onlineClusters } from './shown-status.ts';
import { batchWrites, publish, statusBatch, transition } from './transition.ts';

const DEFAULT_LIMITS = { cpu: 0.5, memoryMb: 256 };

/** Creates an agent service: 202, status `pending`; the agent takes it from there. */
export async function createAgentService(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope, body: CreateAgentServiceBody): Promise<AgentService> {
  const clusterRow = body.clusterId ? await findClusterFor(deps.db, body.clusterId, scope) : await defaultClusterFor(deps.db, scope.tenantId);
  if (!clusterRow) throw new AppError(422, 'NO_CLUSTER', 'no cluster is available to this tenant; register one first');
  const quota = await getQuota(deps, scope);
  const { secrets: secretValues, clusterId: _clusterId, limits, ...rest } = body;
  const spec = AgentServiceSpec.parse({
    ...rest,
    secrets: Object.keys(secretValues).sort(),
    limits: limits ?? { cpu: Math.min(DEFAULT_LIMITS.cpu, quota.maxCpuCores || DEFAULT_LIMITS.cpu), memoryMb: Math.min(DEFAULT_LIMITS.memoryMb, quota.maxMemoryMb || DEFAULT_LIMITS.memoryMb) },
  });
  admit(spec, admissionPolicyOf(clusterRow));

  const id = crypto.randomUUID();
  const versions = await Promise.all(Object.entries(secretValues).map(([name, value]) => secretVersion(scope.tenantId, id, name, value)));
  const sealed = await Promise.all(Object.entries(secretValues).map(async ([name, value]) => ({ name, ciphertext: await deps.secrets.encrypt(value) })));
  const upsert = await upsertFor(scope.tenantId, id, spec, versions);

  const { row, batch } = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const live = await deps.db
      .select({ id: agentService.id })
      .from(agentService)
      .where(and(eq(agentService.tenantId, scope.tenantId), eq(agentService.name, spec.name), ne(agentService.status, 'removed')))
      .get();
    if (live) throw new AppError(409, 'CONFLICT', `an agent service named ${spec.name} already exists`);
    assertWithinQuota(await getQuota(deps, scope), add(await currentUse(deps.db, scope.tenantId), footprint(spec)));
    const now = deps.clock.now();
    const batch = statusBatch(deps.db, now);
    const create = {
      id,
      tenantId: scope.tenantId,
      clusterId: clusterRow.id,
      name: spec.name,
      spec: JSON.stringify(spec),
      specHash: upsert.specHash,
      replicas: spec.replicas,
      rememberedReplicas: Math.max(1, spec.replicas),
      cpuMillis: Math.round(spec.limits.cpu * 1000),
      memoryMb: spec.limits.memoryMb,
      tasks: '[]',
      observedAt: null,
      runningReplicas: 0,
      replicaSeconds: 0,
      accountedAt: now,
      createdBy: actorId(req.actor) ?? 'anonymous',
      createdAt: now,
      updatedAt: now,
    };
    const row = transition(batch, { create }, { event: 'create', reason: null });
    const enqueue = (cmd: Command) => batch.writes.push(enqueueCommand(deps.db, { clusterId: clusterRow.id, tenantId: scope.tenantId, agentServiceId: id, cmd, actor: req.actor, now }));
    const versionOf = new Map(versions.map((v) => [v.name, v]));
    for (const s of sealed) batch.writes.push(deps.db.insert(agentServiceSecret).values({ agentServiceId: id, name: s.name, ciphertext: s.ciphertext, contentHash: versionOf.get(s.name)?.contentHash ?? '', updatedAt: now }));
    enqueue({ kind: 'network.ensure', tenantId: scope.tenantId, name: upsert.network });
    for (const v of versions) enqueue({ kind: 'secret.ensure', tenantId: scope.tenantId, agentServiceId: id, name: v.name, swarmName: v.swarmName, valueB64: '' });
    enqueue({ kind: 'service.create', ...upsert });
    return {
      writes: batchWrites(batch),
      note: { action: 'agent-service.create', targetType: 'agent-service', targetId: id, details: { name: spec.name, image: spec.image, replicas: spec.replicas } },
      result: { row, batch },
    };
  });
  publish(deps.bus, batch);
  void deps.sink.kick(clusterRow.id);
  return toDto(row, await onlineClusters(deps.db, deps.clock.now()));
}
