import type { Command, CommandResult } from '@berth/protocol';
import type { Handler, HandlerContext } from '../handler-context.ts';
import { capLogLines } from './cap-log-lines.ts';
import { removeService, restartService, scaleService, tailServiceLogs, upsertService } from '../../docker/swarm-services.ts';

/** `service.create` and `service.update` are both upserts. */
export async function serviceUpsert(cmd: Extract<Command, { kind: 'service.create' | 'service.update' }>, ctx: HandlerContext): Promise<CommandResult> {
  const { kind: _kind, ...desired } = cmd;
  return { ok: true, data: await upsertService(ctx.docker, desired, ctx.policy) };
}

/** `service.scale`. */
export const serviceScale: Handler<'service.scale'> = async (cmd, ctx) => ({
  ok: true,
  data: await scaleService(ctx.docker, cmd.tenantId, cmd.agentServiceId, cmd.replicas, ctx.policy),
});

/** `service.restart`: rolling, start-first. */
export const serviceRestart: Handler<'service.restart'> = async (cmd, ctx) => ({
  ok: true,
  data: await restartService(ctx.docker, cmd.tenantId, cmd.agentServiceId, ctx.policy),
});

/** `service.remove`: idempotent. */
export const serviceRemove: Handler<'service.remove'> = async (cmd, ctx) => ({
  ok: true,
  data: await removeService(ctx.docker, cmd.tenantId, cmd.agentServiceId),
});

/** `logs.tail`. */
export const logsTail: Handler<'logs.tail'> = async (cmd, ctx) => ({
  ok: true,
  data: capLogLines(await tailServiceLogs(ctx.docker, cmd.tenantId, cmd.agentServiceId, cmd.tail)),
});
