import type { Command, CommandResult } from '@berth/protocol';
import type { Handler, HandlerContext } from '../handler-context.ts';
import { capLogLines } from './cap-log-lines.ts';
import { removeServiceSecrets } from '../../docker/secret-gc.ts';
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

/**
 * `service.remove`: idempotent. The Swarm secrets the service mounted, and those labelled as its
 * own, go with it unless another service of the tenant still mounts them: tenant secret values do
 * not outlive their service. The label finds them on a retry after a crash between the two steps.
 */
export const serviceRemove: Handler<'service.remove'> = async (cmd, ctx) => {
  const { removed, secretIds } = await removeService(ctx.docker, cmd.tenantId, cmd.agentServiceId);
  const secretsRemoved = await removeServiceSecrets(ctx.docker, cmd.tenantId, cmd.agentServiceId, secretIds);
  if (secretsRemoved.length) ctx.log.info('secrets removed with their service', { tenantId: cmd.tenantId, agentServiceId: cmd.agentServiceId, count: secretsRemoved.length });
  return { ok: true, data: { removed } };
};

/** `logs.tail`. */
export const logsTail: Handler<'logs.tail'> = async (cmd, ctx) => ({
  ok: true,
  data: capLogLines(await tailServiceLogs(ctx.docker, cmd.tenantId, cmd.agentServiceId, cmd.tail)),
});
