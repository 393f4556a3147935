import type { Handler } from 'hono';
import { and, eq, isNull } from 'drizzle-orm';
import { agent, type Db } from '@berth/db';
import { AppError } from '../errors.ts';
import { AGENT_HEADER, CLUSTER_HEADER, type ClusterHub } from '../durable/cluster-hub.ts';

/** Where sockets of unknown or revoked agents go: one object, which refuses them at hello. */
const UNROUTED = 'unrouted';

/**
 * Workers: `GET /api/v1/agents/connect?agent=<id>` is handed to the ClusterHub of that agent's
 * cluster. The id only routes; the handshake in the object still proves it (and a hello for
 * another agent is refused there).
 */
export function workerAgentSocket(ns: DurableObjectNamespace<ClusterHub>, db: Db): Handler {
  return async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new AppError(426, 'VALIDATION_FAILED', 'connect with a WebSocket upgrade');
    const agentId = c.req.query('agent');
    if (!agentId) throw new AppError(400, 'VALIDATION_FAILED', 'connect with the URL given at enrollment (it names the agent)');
    const row = await db
      .select({ clusterId: agent.clusterId })
      .from(agent)
      .where(and(eq(agent.id, agentId), isNull(agent.revokedAt)))
      .get();
    const clusterId = row?.clusterId ?? UNROUTED;
    const headers = new Headers(c.req.raw.headers);
    headers.set(CLUSTER_HEADER, clusterId);
    headers.set(AGENT_HEADER, agentId);
    const res = await ns.getByName(clusterId).fetch(new Request(c.req.raw, { headers }));
    // A Durable Object's response has immutable headers; the app's middleware adds its own.
    return new Response(res.body, { status: res.status, headers: res.headers, webSocket: res.webSocket });
  };
}
