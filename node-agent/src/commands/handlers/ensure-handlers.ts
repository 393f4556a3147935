import type { Handler } from '../handler-context.ts';
import { ensureTenantNetwork } from '../../docker/swarm-networks.ts';
import { ensureSecret } from '../../docker/swarm-secrets.ts';

/** `network.ensure`: the tenant's encrypted overlay network. */
export const networkEnsure: Handler<'network.ensure'> = async (cmd, ctx) => ({
  ok: true,
  data: await ensureTenantNetwork(ctx.docker, cmd.tenantId, cmd.name),
});

/** `secret.ensure`: an immutable, content-hashed Swarm secret. */
export const secretEnsure: Handler<'secret.ensure'> = async (cmd, ctx) => ({
  ok: true,
  data: await ensureSecret(ctx.docker, cmd),
});
