import { and, inArray, lt } from 'drizzle-orm';
import { agentServiceEvent, command, type Db } from '@berth/db';
import type { Config } from '../config.ts';

/** How long finished commands and status events are kept (days; 0 keeps them). */
export interface RetentionPolicy {
  commandsDays: number;
  eventsDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { commandsDays: 7, eventsDays: 30 };

export const retentionOf = (config: Config): RetentionPolicy => ({
  commandsDays: config.BERTH_RETENTION_COMMANDS_DAYS,
  eventsDays: config.BERTH_RETENTION_EVENTS_DAYS,
});

/** Pruning runs at most this often per runtime (it rides on the dispatcher's tick). */
export const PRUNE_EVERY_MS = 60 * 60_000;

const DAY_MS = 24 * 60 * 60_000;

/**
 * Deletes finished commands (done, failed, cancelled) created before the commands window, with
 * their payloads (which hold env values) and results, and status events older than the events
 * window. Queued and sent commands are never touched, nor is the audit log (its hash chain is the
 * record of who did what, kept for good).
 */
export async function pruneExpired(db: Db, now: Date, policy: RetentionPolicy): Promise<{ commands: number; events: number }> {
  let commands = 0;
  let events = 0;
  if (policy.commandsDays > 0) {
    const before = new Date(now.getTime() - policy.commandsDays * DAY_MS);
    const gone = await db
      .delete(command)
      .where(and(inArray(command.status, ['done', 'failed', 'cancelled']), lt(command.createdAt, before)))
      .returning({ id: command.id });
    commands = gone.length;
  }
  if (policy.eventsDays > 0) {
    const before = new Date(now.getTime() - policy.eventsDays * DAY_MS);
    const gone = await db.delete(agentServiceEvent).where(lt(agentServiceEvent.at, before)).returning({ id: agentServiceEvent.id });
    events = gone.length;
  }
  return { commands, events };
}
