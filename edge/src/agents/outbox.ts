import { command, type Db } from '@berth/db';
import type { Command } from '@berth/protocol';
import { actorId, type Actor } from '../context.ts';

export interface Enqueue {
  clusterId: string;
  tenantId: string;
  agentServiceId: string | null;
  cmd: Command;
  actor: Actor;
  now: Date;
}

/**
 * The insert of one outbox row, to be committed in the same batch as the desired state it
 * carries out and that change's audit row. The id is the command's jti.
 */
export function enqueueCommand(db: Db, e: Enqueue) {
  // Secret values never sit in the outbox: the dispatcher joins them in, sealed → plain, at send.
  const payload = e.cmd.kind === 'secret.ensure' ? { ...e.cmd, valueB64: '' } : e.cmd;
  return db.insert(command).values({
    id: crypto.randomUUID(),
    clusterId: e.clusterId,
    tenantId: e.tenantId,
    agentServiceId: e.agentServiceId,
    kind: e.cmd.kind,
    payload,
    status: 'queued',
    actorType: e.actor.kind,
    actorId: actorId(e.actor),
    createdAt: e.now,
  });
}
