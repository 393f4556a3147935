import { z } from 'zod';

/**
 * What an agent socket keeps across hibernation (`serializeAttachment`): the agent the Worker
 * routed it for, and once the handshake succeeded, the authenticated agent and its cluster.
 */
export const SocketAttachment = z.object({
  expectedAgentId: z.string(),
  agentId: z.string().optional(),
  clusterId: z.string().optional(),
  /** When the socket was accepted (ms since epoch); the oldest connection is used first. */
  since: z.number(),
});
export type SocketAttachment = z.infer<typeof SocketAttachment>;

export function attachmentOf(ws: WebSocket): SocketAttachment | undefined {
  const parsed = SocketAttachment.safeParse(ws.deserializeAttachment());
  return parsed.success ? parsed.data : undefined;
}
