import { and, eq } from 'drizzle-orm';
import { agentServiceSecret } from '@berth/db';
import { AgentServiceSpec, type AgentService, type Command, type UpdateAgentServiceBody } from '@berth/protocol';
import type { RequestFacts, TenantScope } from '../context.ts';
import { commitAudited } from '../audit/record.ts';
import { enqueueCommand } from '../agents/outbox.ts';
import { secretVersion, storedSecretVersion, upsertFor } from '../agents/service-upsert.ts';
import { admissionPolicyOf, findClusterFor } from '../services/clusters.ts';
import { getQuota } from '../services/tenants.ts';
import { assertWithinQuota, currentUse } from '../services/quota-check.ts';
import type { AgentServiceDeps } from './deps.ts';
import { add, admit, footprint } from './admission.ts';
import { toDto } from './dto.ts';
import { loadService } from './queries.ts';
import { onlineClusters } from './shown-status.ts';
import { assertAccepted, batchWrites, publish, statusBatch, transition } from './transition.ts';

/** Changes the spec (image, env, secrets, limits, …): a rolling update on the swarm. */
export async function updateAgentService(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope, ref: string, body: UpdateAgentServiceBody): Promise<AgentService> {
  const current = await loadService(deps.db, scope, ref);
  assertAccepted(current.status, 'update');
  const clusterRow = await findClusterFor(deps.db, current.clusterId, scope);
  const old = AgentServiceSpec.parse(JSON.parse(current.spec));
  const { secrets: secretChanges, ...fields } = body;
  const stored = await deps.db.select().from(agentServiceSecret).where(eq(agentServiceSecret.agentServiceId, current.id)).all();
  const names = new Set(stored.map((s) => s.name));
  for (const [name, value] of Object.entries(secretChanges ?? {})) {
    if (value === null) names.delete(name);
    else names.add(name);
  }
  const spec = AgentServiceSpec.parse({ ...old, ...fields, secrets: [...names].sort() });
  admit(spec, admissionPolicyOf(clusterRow));

  const changedValues = Object.entries(secretChanges ?? {}).filter((e): e is [string, string] => e[1] !== null);
  const fresh = await Promise.all(changedValues.map(async ([name, value]) => ({ name, value, version: await secretVersion(scope.tenantId, current.id, name, value), ciphertext: await deps.secrets.encrypt(value) })));
  const kept = stored.filter((s) => names.has(s.name) && !fresh.some((f) => f.name === s.name)).map((s) => storedSecretVersion(scope.tenantId, current.id, s));
  const versions = [...kept, ...fresh.map((f) => f.version)].sort((a, b) => a.name.localeCompare(b.name));
  const upsert = await upsertFor(scope.tenantId, current.id, spec, versions);

  const { row, batch } = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    assertWithinQuota(await getQuota(deps, scope), add(await currentUse(deps.db, scope.tenantId, current.id), footprint(spec)));
    const now = deps.clock.now();
    const batch = statusBatch(deps.db, now);
    const enqueue = (cmd: Command) => batch.writes.push(enqueueCommand(deps.db, { clusterId: current.clusterId, tenantId: scope.tenantId, agentServiceId: current.id, cmd, actor: req.actor, now }));
    const set = () => ({
      spec: JSON.stringify(spec),
      specHash: upsert.specHash,
      replicas: spec.replicas,
      rememberedReplicas: spec.replicas > 0 ? spec.replicas : current.rememberedReplicas,
      cpuMillis: Math.round(spec.limits.cpu * 1000),
      memoryMb: spec.limits.memoryMb,
      updatedAt: now,
    });
    const row = transition(batch, current, { event: 'update', replicas: spec.replicas, reason: null, set }) ?? current;
    const removedNames = stored.filter((s) => !names.has(s.name)).map((s) => s.name);
    for (const n of removedNames) batch.writes.push(deps.db.delete(agentServiceSecret).where(and(eq(agentServiceSecret.agentServiceId, current.id), eq(agentServiceSecret.name, n))));
    for (const f of fresh) {
      batch.writes.push(
        deps.db
          .insert(agentServiceSecret)
          .values({ agentServiceId: current.id, name: f.name, ciphertext: f.ciphertext, contentHash: f.version.contentHash, updatedAt: now })
          .onConflictDoUpdate({ target: [agentServiceSecret.agentServiceId, agentServiceSecret.name], set: { ciphertext: f.ciphertext, contentHash: f.version.contentHash, updatedAt: now } }),
      );
    }
    for (const f of fresh) enqueue({ kind: 'secret.ensure', tenantId: scope.tenantId, agentServiceId: current.id, name: f.name, swarmName: f.version.swarmName, valueB64: '' });
    enqueue({ kind: 'service.update', ...upsert });
    return {
      writes: batchWrites(batch),
      note: { action: 'agent-service.update', targetType: 'agent-service', targetId: current.id, details: { fields: Object.keys(body).sort() } },
      result: { row, batch },
    };
  });
  publish(deps.bus, batch);
  void deps.sink.kick(current.clusterId);
  return toDto(row, await onlineClusters(deps.db, deps.clock.now()));
}
