import { and, desc, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { agent, agentService, agentServiceEvent, agentServiceSecret, command, usageSampleWrites, type Db } from '@berth/db';
import {
  AgentServiceSpec,
  checkAdmission,
  TaskSummary,
  type AdmissionPolicy,
  type AgentService,
  type Command,
  type CommandResult,
  type CreateAgentServiceBody,
  type UpdateAgentServiceBody,
} from '@berth/protocol';
import { z } from 'zod';
import { actorId, type RequestFacts, type TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import type { ServiceDeps } from './service-deps.ts';
import type { Aead } from '../crypto/aead.ts';
import type { TenantEventBus } from '../events/tenant-event-bus.ts';
import { enqueueCommand } from '../agents/outbox.ts';
import { LOGS_TAIL_TTL_MS } from '../agents/tail-lifetime.ts';
import { secretVersion, storedSecretVersion, upsertFor } from '../agents/service-upsert.ts';
import { UNREACHABLE_AFTER_MS } from '../agents/agent-session.ts';
import { admissionPolicyOf, defaultClusterFor, findClusterFor } from './clusters.ts';
import { getQuota } from './tenants.ts';
import { assertWithinQuota, currentUse } from './quota-check.ts';

type Row = typeof agentService.$inferSelect;

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

/** Tells the tenant's stream about a status the API itself set (pending, stopped, removing…). */
function announce(deps: AgentServiceDeps, row: Row, previous: Row['status'] | undefined) {
  if (row.status === previous) return;
  deps.bus.publish(row.tenantId, { agentServiceId: row.id, name: row.name, status: row.status, reason: row.statusReason, at: row.updatedAt.toISOString() });
}

const DEFAULT_LIMITS = { cpu: 0.5, memoryMb: 256 };
const Tasks = z.array(TaskSummary);

// ---------- reading ----------

async function onlineClusters(db: Db, now: Date): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ clusterId: agent.clusterId })
    .from(agent)
    .where(and(isNull(agent.revokedAt), gt(agent.lastSeenAt, new Date(now.getTime() - UNREACHABLE_AFTER_MS))))
    .all();
  return new Set(rows.map((r) => r.clusterId));
}

/**
 * The API view. When no agent of the service's cluster is reachable, the observed status is not
 * known any more: it reads `unknown` (the last observation stays in `statusReason`).
 */
function toDto(row: Row, online: Set<string>): AgentService {
  const live = row.status !== 'removed';
  const unreachable = live && !online.has(row.clusterId);
  return {
    id: row.id,
    tenantId: row.tenantId,
    clusterId: row.clusterId,
    name: row.name,
    spec: AgentServiceSpec.parse(JSON.parse(row.spec)),
    specHash: row.specHash,
    replicas: row.replicas,
    status: unreachable ? 'unknown' : row.status,
    statusReason: unreachable ? `no agent of the cluster is reachable (last seen: ${row.status})` : row.statusReason,
    tasks: Tasks.catch([]).parse(JSON.parse(row.tasks)),
    observedAt: row.observedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The tenant's service named by id or name (a live one first); 404 otherwise. */
async function loadService(db: Db, scope: TenantScope, ref: string): Promise<Row> {
  const rows = await db
    .select()
    .from(agentService)
    .where(and(eq(agentService.tenantId, scope.tenantId), or(eq(agentService.id, ref), eq(agentService.name, ref))))
    .orderBy(desc(agentService.createdAt))
    .all();
  const row = rows.find((r) => r.status !== 'removed') ?? rows[0];
  if (!row) throw new AppError(404, 'NOT_FOUND', 'agent service not found');
  return row;
}

export async function listAgentServices(deps: ServiceDeps, scope: TenantScope, q: { page: number; limit: number; status?: string | undefined }) {
  const now = deps.clock.now();
  const online = await onlineClusters(deps.db, now);
  // `unknown` is derived, not stored: filter after mapping so the filter matches what is shown.
  const rows = await deps.db.select().from(agentService).where(eq(agentService.tenantId, scope.tenantId)).orderBy(agentService.name).all();
  const all = rows.map((r) => toDto(r, online)).filter((s) => (q.status ? s.status === q.status : s.status !== 'removed'));
  const total = all.length;
  const totalPages = Math.max(1, Math.ceil(total / q.limit));
  const page = Math.min(q.page, totalPages);
  return { items: all.slice((page - 1) * q.limit, page * q.limit), page, limit: q.limit, total, totalPages };
}

export async function getAgentService(deps: ServiceDeps, scope: TenantScope, ref: string) {
  const row = await loadService(deps.db, scope, ref);
  const events = await deps.db
    .select()
    .from(agentServiceEvent)
    .where(eq(agentServiceEvent.agentServiceId, row.id))
    .orderBy(desc(agentServiceEvent.at), desc(sql`rowid`))
    .limit(20)
    .all();
  return {
    ...toDto(row, await onlineClusters(deps.db, deps.clock.now())),
    recentEvents: events.map((e) => ({ status: e.status, reason: e.reason, at: e.at.toISOString() })),
  };
}

// ---------- desired state ----------

function admit(spec: AgentServiceSpec, policy: AdmissionPolicy) {
  const violations = checkAdmission(spec, policy);
  if (violations.length > 0) {
    throw new AppError(422, 'ADMISSION_DENIED', `the spec is refused: ${violations[0]?.message ?? 'policy violation'}`, { violations });
  }
}

const footprint = (spec: { replicas: number; limits: { cpu: number; memoryMb: number } }) => ({
  services: 1,
  replicas: spec.replicas,
  cpuMillis: Math.round(spec.limits.cpu * 1000) * spec.replicas,
  memoryMb: spec.limits.memoryMb * spec.replicas,
});

const add = (a: ReturnType<typeof footprint>, b: ReturnType<typeof footprint>) => ({
  services: a.services + b.services,
  replicas: a.replicas + b.replicas,
  cpuMillis: a.cpuMillis + b.cpuMillis,
  memoryMb: a.memoryMb + b.memoryMb,
});

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

  const result = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const live = await deps.db
      .select({ id: agentService.id })
      .from(agentService)
      .where(and(eq(agentService.tenantId, scope.tenantId), eq(agentService.name, spec.name), ne(agentService.status, 'removed')))
      .get();
    if (live) throw new AppError(409, 'CONFLICT', `an agent service named ${spec.name} already exists`);
    assertWithinQuota(await getQuota(deps, scope), add(await currentUse(deps.db, scope.tenantId), footprint(spec)));
    const now = deps.clock.now();
    const row: Row = {
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
      status: spec.replicas === 0 ? 'stopped' : 'pending',
      statusReason: null,
      tasks: '[]',
      observedAt: null,
      runningReplicas: 0,
      replicaSeconds: 0,
      accountedAt: now,
      createdBy: actorId(req.actor) ?? 'anonymous',
      createdAt: now,
      updatedAt: now,
    };
    const enqueue = (cmd: Command) => enqueueCommand(deps.db, { clusterId: clusterRow.id, tenantId: scope.tenantId, agentServiceId: id, cmd, actor: req.actor, now });
    const versionOf = new Map(versions.map((v) => [v.name, v]));
    const writes: BatchItem<'sqlite'>[] = [
      deps.db.insert(agentService).values(row),
      ...sealed.map((s) => deps.db.insert(agentServiceSecret).values({ agentServiceId: id, name: s.name, ciphertext: s.ciphertext, contentHash: versionOf.get(s.name)?.contentHash ?? '', updatedAt: now })),
      deps.db.insert(agentServiceEvent).values({ id: crypto.randomUUID(), tenantId: scope.tenantId, agentServiceId: id, status: row.status, reason: null, at: now }),
      enqueue({ kind: 'network.ensure', tenantId: scope.tenantId, name: upsert.network }),
      ...versions.map((v) => enqueue({ kind: 'secret.ensure', tenantId: scope.tenantId, agentServiceId: id, name: v.name, swarmName: v.swarmName, valueB64: '' })),
      enqueue({ kind: 'service.create', ...upsert }),
      ...usageSampleWrites(deps.db, scope.tenantId, now),
    ];
    return {
      writes,
      note: { action: 'agent-service.create', targetType: 'agent-service', targetId: id, details: { name: spec.name, image: spec.image, replicas: spec.replicas } },
      result: row,
    };
  });
  announce(deps, result, undefined);
  void deps.sink.kick(clusterRow.id);
  return toDto(result, await onlineClusters(deps.db, deps.clock.now()));
}

/** Changes the spec (image, env, secrets, limits, …): a rolling update on the swarm. */
export async function updateAgentService(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope, ref: string, body: UpdateAgentServiceBody): Promise<AgentService> {
  const current = await loadService(deps.db, scope, ref);
  if (current.status === 'removed' || current.status === 'removing') throw new AppError(409, 'CONFLICT', 'the agent service is being removed');
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

  const row = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    assertWithinQuota(await getQuota(deps, scope), add(await currentUse(deps.db, scope.tenantId, current.id), footprint(spec)));
    const now = deps.clock.now();
    const enqueue = (cmd: Command) => enqueueCommand(deps.db, { clusterId: current.clusterId, tenantId: scope.tenantId, agentServiceId: current.id, cmd, actor: req.actor, now });
    const changes = {
      spec: JSON.stringify(spec),
      specHash: upsert.specHash,
      replicas: spec.replicas,
      rememberedReplicas: spec.replicas > 0 ? spec.replicas : current.rememberedReplicas,
      cpuMillis: Math.round(spec.limits.cpu * 1000),
      memoryMb: spec.limits.memoryMb,
      status: spec.replicas === 0 ? ('stopped' as const) : ('deploying' as const),
      statusReason: null,
      updatedAt: now,
    };
    const removedNames = stored.filter((s) => !names.has(s.name)).map((s) => s.name);
    const writes: BatchItem<'sqlite'>[] = [
      deps.db.update(agentService).set(changes).where(eq(agentService.id, current.id)),
      ...removedNames.map((n) => deps.db.delete(agentServiceSecret).where(and(eq(agentServiceSecret.agentServiceId, current.id), eq(agentServiceSecret.name, n)))),
      ...fresh.map((f) =>
        deps.db
          .insert(agentServiceSecret)
          .values({ agentServiceId: current.id, name: f.name, ciphertext: f.ciphertext, contentHash: f.version.contentHash, updatedAt: now })
          .onConflictDoUpdate({ target: [agentServiceSecret.agentServiceId, agentServiceSecret.name], set: { ciphertext: f.ciphertext, contentHash: f.version.contentHash, updatedAt: now } }),
      ),
      ...fresh.map((f) => enqueue({ kind: 'secret.ensure', tenantId: scope.tenantId, agentServiceId: current.id, name: f.name, swarmName: f.version.swarmName, valueB64: '' })),
      enqueue({ kind: 'service.update', ...upsert }),
      ...usageSampleWrites(deps.db, scope.tenantId, now),
    ];
    return {
      writes,
      note: { action: 'agent-service.update', targetType: 'agent-service', targetId: current.id, details: { fields: Object.keys(body).sort() } },
      result: { ...current, ...changes },
    };
  });
  announce(deps, row, current.status);
  void deps.sink.kick(current.clusterId);
  return toDto(row, await onlineClusters(deps.db, deps.clock.now()));
}

type Lifecycle = { kind: 'scale'; replicas: number } | { kind: 'restart' } | { kind: 'stop' } | { kind: 'start' } | { kind: 'remove' };

/** Scale, restart, stop (to 0, remembering replicas), start, remove. */
export async function changeLifecycle(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope, ref: string, op: Lifecycle): Promise<AgentService> {
  const current = await loadService(deps.db, scope, ref);
  if (current.status === 'removed' || (current.status === 'removing' && op.kind !== 'remove')) throw new AppError(409, 'CONFLICT', 'the agent service is being removed');
  const row = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const fresh = await loadService(deps.db, scope, current.id);
    const spec = AgentServiceSpec.parse(JSON.parse(fresh.spec));
    const now = deps.clock.now();
    const target = { tenantId: scope.tenantId, agentServiceId: fresh.id };
    let replicas = fresh.replicas;
    let remembered = fresh.rememberedReplicas;
    let status = fresh.status;
    let cmd: Command;
    switch (op.kind) {
      case 'scale':
        replicas = op.replicas;
        if (op.replicas > 0) remembered = op.replicas;
        status = op.replicas === 0 ? 'stopped' : 'deploying';
        cmd = { kind: 'service.scale', ...target, replicas };
        break;
      case 'stop':
        if (fresh.replicas > 0) remembered = fresh.replicas;
        replicas = 0;
        status = 'stopped';
        cmd = { kind: 'service.scale', ...target, replicas: 0 };
        break;
      case 'start':
        replicas = Math.max(1, remembered);
        status = 'deploying';
        cmd = { kind: 'service.scale', ...target, replicas };
        break;
      case 'restart':
        status = fresh.replicas === 0 ? 'stopped' : 'deploying';
        cmd = { kind: 'service.restart', ...target };
        break;
      case 'remove':
        status = 'removing';
        cmd = { kind: 'service.remove', ...target };
        break;
    }
    if (replicas > fresh.replicas) {
      assertWithinQuota(await getQuota(deps, scope), add(await currentUse(deps.db, scope.tenantId, fresh.id), footprint({ replicas, limits: spec.limits })));
    }
    const newSpec = JSON.stringify({ ...spec, replicas });
    const changes = { replicas, rememberedReplicas: remembered, status, statusReason: null, spec: newSpec, updatedAt: now };
    const writes: BatchItem<'sqlite'>[] = [
      deps.db.update(agentService).set(changes).where(eq(agentService.id, fresh.id)),
      enqueueCommand(deps.db, { clusterId: fresh.clusterId, tenantId: scope.tenantId, agentServiceId: fresh.id, cmd, actor: req.actor, now }),
    ];
    if (status !== fresh.status) writes.push(deps.db.insert(agentServiceEvent).values({ id: crypto.randomUUID(), tenantId: scope.tenantId, agentServiceId: fresh.id, status, reason: null, at: now }));
    if (replicas !== fresh.replicas) writes.push(...usageSampleWrites(deps.db, scope.tenantId, now));
    return {
      writes,
      note: { action: `agent-service.${op.kind}`, targetType: 'agent-service', targetId: fresh.id, details: op.kind === 'scale' ? { replicas: op.replicas } : null },
      result: { ...fresh, ...changes },
    };
  });
  announce(deps, row, current.status);
  void deps.sink.kick(current.clusterId);
  return toDto(row, await onlineClusters(deps.db, deps.clock.now()));
}

/**
 * Asks the agent for the last `tail` log lines of the service's tasks. A tail is answered now or
 * not at all: with no agent of the cluster reachable nothing is queued, and one left unanswered
 * is cancelled (the dispatcher never sends it later, see LOGS_TAIL_TTL_MS).
 */
export async function tailLogs(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope, ref: string, tail: number) {
  const row = await loadService(deps.db, scope, ref);
  if (row.status === 'removed') throw new AppError(409, 'CONFLICT', 'the agent service was removed');
  const now = deps.clock.now();
  if (!(await onlineClusters(deps.db, now)).has(row.clusterId)) throw new AppError(503, 'AGENT_UNAVAILABLE', 'no agent of the cluster is connected; try again later');
  const insert = enqueueCommand(deps.db, { clusterId: row.clusterId, tenantId: scope.tenantId, agentServiceId: row.id, cmd: { kind: 'logs.tail', tenantId: scope.tenantId, agentServiceId: row.id, tail }, actor: req.actor, now });
  const [created] = await insert.returning({ id: sql<string>`id` });
  if (!created) throw new AppError(500, 'INTERNAL', 'the logs request could not be queued');
  const waiting = deps.sink.waitFor(created.id, LOGS_TAIL_TTL_MS);
  await deps.sink.kick(row.clusterId);
  const result = await waiting;
  if (!result) {
    await deps.db
      .update(command)
      .set({ status: 'cancelled', doneAt: deps.clock.now() })
      .where(and(eq(command.id, created.id), inArray(command.status, ['queued', 'sent'])));
    throw new AppError(503, 'AGENT_UNAVAILABLE', 'no agent answered in time; try again');
  }
  if (!result.ok && result.error.code === 'AGENT_UNAVAILABLE') throw new AppError(503, 'AGENT_UNAVAILABLE', 'the agent left before answering; try again');
  if (!result.ok) throw new AppError(502, 'COMMAND_FAILED', `the agent could not read logs: ${result.error.message}`);
  const Lines = z.object({ lines: z.array(z.object({ stream: z.string(), ts: z.string().optional(), line: z.string() })) });
  return Lines.parse(result.data ?? { lines: [] });
}

/** Current use against quota and replica-seconds consumed, up to now. */
export async function usage(deps: ServiceDeps, scope: TenantScope) {
  const now = deps.clock.now();
  const use = await currentUse(deps.db, scope.tenantId);
  const rows = await deps.db
    .select({ seconds: agentService.replicaSeconds, running: agentService.runningReplicas, accountedAt: agentService.accountedAt })
    .from(agentService)
    .where(eq(agentService.tenantId, scope.tenantId))
    .all();
  const replicaSeconds = rows.reduce((sum, r) => sum + r.seconds + (r.accountedAt ? r.running * Math.max(0, Math.floor((now.getTime() - r.accountedAt.getTime()) / 1000)) : 0), 0);
  return {
    quota: await getQuota(deps, scope),
    used: { agentServices: use.services, totalReplicas: use.replicas, cpuCores: use.cpuMillis / 1000, memoryMb: use.memoryMb },
    replicaSeconds,
    at: now.toISOString(),
  };
}
