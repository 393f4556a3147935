import type { CommandResult } from '@berth/protocol';

/**
 * A log tail is answered or dropped, never replayed later: one older than this (its caller has
 * given up) is cancelled instead of sent or re-sent, and one out with an agent that leaves is
 * cancelled at once. The HTTP caller waits this long too.
 */
export const LOGS_TAIL_TTL_MS = 15_000;

/** The result a dropped log tail's waiter gets (the API answers it as 503 AGENT_UNAVAILABLE). */
export const TAIL_DROPPED: CommandResult = { ok: false, error: { code: 'AGENT_UNAVAILABLE', message: 'the agent left before answering' } };

/** Whether an outbox row is a log tail past its lifetime. */
export const isExpiredTail = (row: { kind: string; createdAt: Date }, now: Date): boolean => row.kind === 'logs.tail' && now.getTime() - row.createdAt.getTime() > LOGS_TAIL_TTL_MS;
