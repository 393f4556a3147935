import { eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { agentService, agentServiceEvent, usageSampleWrites, type Db } from '@berth/db';
import type { StatusStreamEvent } from '@berth/protocol';
import { AppError } from '../errors.ts';
import type { TenantEventBus } from '../events/tenant-event-bus.ts';
import { initialStatus, resolve, type Event, type EventFacts, type State } from './transitions.ts';

export type Row = typeof agentService.$inferSelect;

/** When a history row (agent_service_event) or a stream event is written for a transition. */
type When = 'always' | 'on-status-change' | 'on-change' | 'never';
/** When the tenant's usage is sampled: always, or when reserved or running replicas changed. */
type Sample = 'always' | 'on-replicas-change' | 'on-running-change' | 'never';
interface Effects {
  history: When;
  stream: When;
  usage: Sample;
}

const ACTION: Effects = { history: 'on-status-change', stream: 'on-status-change', usage: 'on-replicas-change' };
const REPORT: Effects = { history: 'on-change', stream: 'on-change', usage: 'on-running-change' };

/**
 * What each event writes besides the status, as each site did before they shared this module.
 * `on-change` is a change of status or of reason. An update writes no history row (only the
 * stream hears of it); a running-replica change or a removal samples usage.
 */
export const EFFECTS: Record<Event, Effects> = {
  create: { history: 'always', stream: 'always', usage: 'always' },
  update: { history: 'never', stream: 'on-status-change', usage: 'always' },
  scale: ACTION,
  restart: ACTION,
  stop: ACTION,
  start: ACTION,
  remove: ACTION,
  'tenant-deleted': { history: 'always', stream: 'always', usage: 'always' },
  observed: REPORT,
  vanished: REPORT,
  'command-failed': REPORT,
  'remove-done': REPORT,
  drift: { history: 'always', stream: 'always', usage: 'never' },
};

/** An event the lifecycle refuses in the service's state (409, code CONFLICT). */
export class IllegalTransition extends AppError {
  constructor(
    readonly from: State,
    readonly event: Event,
  ) {
    super(409, 'CONFLICT', 'the agent service is being removed');
  }
}

/** The writes of one change (committed by the caller in one batch) and the stream events it owes. */
export interface StatusBatch {
  readonly db: Db;
  readonly now: Date;
  /** Status and history writes, and whatever the caller adds (outbox rows, secrets…), in order. */
  readonly writes: BatchItem<'sqlite'>[];
  readonly usage: Set<string>;
  readonly stream: { tenantId: string; event: StatusStreamEvent }[];
}

export function statusBatch(db: Db, now: Date): StatusBatch {
  return { db, now, writes: [], usage: new Set(), stream: [] };
}

export interface Change extends EventFacts {
  event: Event;
  /** The status reason (null clears it) and the history row's reason. */
  reason: string | null;
  /** Other columns written with the status, given the new status. */
  set?: (to: State) => Partial<Row>;
}

/** A service about to be created: every column but the status, which the lifecycle decides. */
export type NewService = { create: Omit<Row, 'status' | 'statusReason'> };

/**
 * Applies `change` to a service (or creates one): the status write, its history row, the usage
 * sample and the stream event, as TRANSITIONS and EFFECTS say. Returns the row as the batch
 * leaves it, or undefined when the event is ignored; throws IllegalTransition when it is refused.
 */
export function transition(batch: StatusBatch, subject: NewService, change: Change): Row;
export function transition(batch: StatusBatch, subject: Row, change: Change): Row | undefined;
export function transition(batch: StatusBatch, subject: Row | NewService, change: Change): Row | undefined {
  if ('create' in subject) {
    const row: Row = { ...subject.create, status: initialStatus(subject.create.replicas), statusReason: change.reason };
    batch.writes.push(batch.db.insert(agentService).values(row));
    note(batch, undefined, row, change);
    return row;
  }
  const resolved = resolve(subject.status, change.event, change);
  if (resolved.kind === 'refuse') throw new IllegalTransition(subject.status, change.event);
  if (resolved.kind === 'ignore') return undefined;
  let after = subject;
  if (resolved.kind === 'to') {
    const changes = { ...change.set?.(resolved.status), status: resolved.status, statusReason: change.reason };
    batch.writes.push(batch.db.update(agentService).set(changes).where(eq(agentService.id, subject.id)));
    after = { ...subject, ...changes };
  }
  note(batch, subject, after, change);
  return after;
}

/** Refuses `event` before any work when the service's state does not take it (IllegalTransition). */
export function assertAccepted(from: State, event: Event): void {
  if (resolve(from, event).kind === 'refuse') throw new IllegalTransition(from, event);
}

function note(batch: StatusBatch, before: Row | undefined, after: Row, change: Change) {
  const effects = EFFECTS[change.event];
  const statusChanged = before?.status !== after.status;
  const changed = statusChanged || (before?.statusReason ?? null) !== (change.reason ?? null);
  const due = (w: When) => w === 'always' || (w === 'on-status-change' && statusChanged) || (w === 'on-change' && changed);
  const { tenantId, id: agentServiceId, status } = after;
  if (due(effects.history)) batch.writes.push(batch.db.insert(agentServiceEvent).values({ id: crypto.randomUUID(), tenantId, agentServiceId, status, reason: change.reason, at: batch.now }));
  if (due(effects.stream)) batch.stream.push({ tenantId, event: { agentServiceId, name: after.name, status, reason: change.reason, at: batch.now.toISOString() } });
  const sample =
    effects.usage === 'always' ||
    (effects.usage === 'on-replicas-change' && after.replicas !== before?.replicas) ||
    (effects.usage === 'on-running-change' && (after.runningReplicas !== before?.runningReplicas || status === 'removed'));
  if (sample) batch.usage.add(tenantId);
}

/** The batch's writes with the usage samples last, so they see every change before them. */
export function batchWrites(batch: StatusBatch): BatchItem<'sqlite'>[] {
  return [...batch.writes, ...[...batch.usage].flatMap((tenantId) => usageSampleWrites(batch.db, tenantId, batch.now))];
}

/** Commits a batch that is not part of an audited change (agent reports). */
export async function commitBatch(batch: StatusBatch): Promise<void> {
  const [first, ...rest] = batchWrites(batch);
  if (first) await batch.db.batch([first, ...rest]);
}

/** Tells the tenants' streams, once the batch is committed. */
export function publish(bus: TenantEventBus, batch: StatusBatch): void {
  for (const { tenantId, event } of batch.stream) bus.publish(tenantId, event);
}
