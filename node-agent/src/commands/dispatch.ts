import type { Command, CommandResult } from '@berth/protocol';
import { reconcile } from '../reconcile/reconcile.ts';
import type { HandlerContext, HandlerTable } from './handler-context.ts';
import { networkEnsure, secretEnsure } from './handlers/ensure-handlers.ts';
import { logsTail, serviceRemove, serviceRestart, serviceScale, serviceUpsert } from './handlers/service-handlers.ts';
import { toFailure } from './to-failure.ts';

/** The exhaustive command table. */
export const HANDLERS: HandlerTable = {
  'service.create': serviceUpsert,
  'service.update': serviceUpsert,
  'service.scale': serviceScale,
  'service.restart': serviceRestart,
  'service.remove': serviceRemove,
  'network.ensure': networkEnsure,
  'secret.ensure': secretEnsure,
  'logs.tail': logsTail,
  reconcile: async (cmd, ctx) => ({ ok: true, data: await reconcile(ctx.docker, cmd.services, ctx.policy, ctx.log, cmd.tenantIds) }),
};

function handlerFor<K extends Command['kind']>(table: HandlerTable, cmd: Extract<Command, { kind: K }>, ctx: HandlerContext): Promise<CommandResult> {
  const handler: HandlerTable[K] = table[cmd.kind];
  return handler(cmd, ctx);
}

/** Runs a command's handler. Never throws: failures become `{ ok: false, error }`. */
export async function dispatch(cmd: Command, ctx: HandlerContext, table: HandlerTable = HANDLERS): Promise<CommandResult> {
  try {
    return await handlerFor(table, cmd, ctx);
  } catch (e) {
    const failure = toFailure(e);
    if (failure.error.code === 'INTERNAL') ctx.log.error('command handler crashed', { kind: cmd.kind, error: e instanceof Error ? e.message : String(e) });
    return failure;
  }
}
