import type { BatchItem } from 'drizzle-orm/batch';
import { auditLog, isConflict, type Db } from '@berth/db';
import { AppError } from '../errors.ts';
import { actorId, type RequestFacts } from '../context.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { nextRow, readHead, type AuditFacts } from './store.ts';
import { withChainLock } from './chain-lock.ts';

/** What an audit row says about the action, beyond who and when. */
export interface AuditNote {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown> | null;
}

/** The writes of one change, planned against a consistent read, plus its audit note. */
export interface Plan<T> {
  writes: BatchItem<'sqlite'>[];
  note: AuditNote;
  result: T;
}

export interface AuditDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
}

const MAX_ATTEMPTS = 12;

/**
 * Runs `plan` and commits its writes together with the audit row in ONE batch (a transaction on
 * libSQL and D1). The chain position is read before `plan` runs; if any other change reached the
 * same chain in between, the unique (chain, seq) index fails the whole batch and the plan runs
 * again on fresh reads — so the chain doubles as optimistic concurrency control for everything
 * in a tenant. If the audit row cannot be written, the change is not written either.
 *
 * When `plan` refuses (throws an AppError), a `failure` (or `denied`, for 403) row is recorded
 * on its own and the error propagates.
 */
export async function commitAudited<T>(
  deps: AuditDeps,
  req: RequestFacts,
  chain: string,
  tenantId: string | null,
  plan: () => Promise<Plan<T>>,
): Promise<T> {
  return withChainLock(deps.db, chain, () => commitLoop(deps, req, chain, tenantId, plan));
}

async function commitLoop<T>(deps: AuditDeps, req: RequestFacts, chain: string, tenantId: string | null, plan: () => Promise<Plan<T>>): Promise<T> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) await backoff(attempt);
    const head = await readHead(deps.db, chain);
    let planned: Plan<T>;
    try {
      planned = await plan();
    } catch (err) {
      if (err instanceof AppError) await appendOutcome(deps, req, chain, tenantId, refusalNote(err), err.status === 403 ? 'denied' : 'failure');
      throw err;
    }
    const row = await nextRow(chain, head, facts(deps, req, tenantId, planned.note, 'success'));
    try {
      await deps.db.batch([deps.db.insert(auditLog).values(row), ...planned.writes]);
      return planned.result;
    } catch (err) {
      const now = await readHead(deps.db, chain);
      if (now.seq !== head.seq) continue; // lost the race for this chain position: plan again
      throw classifyWriteError(err);
    }
  }
  throw new AppError(503, 'CONFLICT', 'too many concurrent changes to this tenant; retry');
}

/** Who, when and what, as an audit row states it. */
function facts(deps: AuditDeps, req: RequestFacts, tenantId: string | null, note: AuditNote, result: 'success' | 'denied' | 'failure'): AuditFacts {
  return {
    tenantId,
    at: deps.clock.now(),
    actorType: req.actor.kind,
    actorId: actorId(req.actor),
    action: note.action,
    targetType: note.targetType ?? null,
    targetId: note.targetId ?? null,
    result,
    requestId: req.requestId,
    ip: req.ip,
    details: note.details ?? null,
  };
}

function refusalNote(err: AppError): AuditNote {
  return { action: 'request.refused', details: { code: err.code } };
}

/**
 * Appends a row that records an outcome with no change attached (a denial or a refused
 * request). Retries on a lost race like commitAudited.
 */
export function recordOutcome(
  deps: AuditDeps,
  req: RequestFacts,
  chain: string,
  tenantId: string | null,
  note: AuditNote,
  result: 'success' | 'denied' | 'failure',
): Promise<void> {
  return withChainLock(deps.db, chain, () => appendOutcome(deps, req, chain, tenantId, note, result));
}

/** recordOutcome without taking the chain lock (for callers that already hold it). */
async function appendOutcome(
  deps: AuditDeps,
  req: RequestFacts,
  chain: string,
  tenantId: string | null,
  note: AuditNote,
  result: 'success' | 'denied' | 'failure',
): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) await backoff(attempt);
    const head = await readHead(deps.db, chain);
    const row = await nextRow(chain, head, facts(deps, req, tenantId, note, result));
    try {
      await deps.db.insert(auditLog).values(row);
      return;
    } catch (err) {
      const now = await readHead(deps.db, chain);
      if (now.seq !== head.seq) continue;
      throw new AppError(500, 'AUDIT_WRITE_FAILED', 'the audit log could not be written', undefined, { cause: err });
    }
  }
  throw new AppError(503, 'AUDIT_WRITE_FAILED', 'the audit log is too busy; retry');
}

/** Jittered, growing pause between optimistic retries (another process holds the chain). */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Maps a failed batch to a stable error without echoing SQL or parameters. Only uniqueness and
 * reference races are conflicts; any other refusal (a trigger guarding the audit log, a CHECK)
 * is the server's fault, so the change fails with a 500 rather than inviting endless retries.
 */
function classifyWriteError(err: unknown): AppError {
  if (isConflict(err)) return new AppError(409, 'CONFLICT', 'the change conflicts with current state; reload and retry');
  return new AppError(500, 'INTERNAL', 'the change could not be saved', undefined, { cause: err });
}
