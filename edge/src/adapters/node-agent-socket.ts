import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import type { AgentRuntime } from '../agents/agent-runtime.ts';
import { AGENT_CONNECT_PATH } from '../services/enrollment.ts';
import type { Logger } from '../logger.ts';

const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * Node: agent WebSockets on the API's own server. Upgrades to AGENT_CONNECT_PATH are handed to
 * an AgentSession (which authenticates by challenge); any other upgrade is refused.
 */
export function attachAgentSockets(server: Server, runtime: AgentRuntime, logger: Logger) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket: Duplex, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== AGENT_CONNECT_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = runtime.open({ send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) });
      let chain = Promise.resolve();
      ws.on('message', (data: RawData) => {
        // Frames are handled one at a time, in order: results must not overtake each other.
        chain = chain.then(() => session.message(data.toString())).catch((err: unknown) => {
          logger.error('agent frame failed', { agentId: session.agentId, errorName: err instanceof Error ? err.name : typeof err });
        });
      });
      ws.on('close', () => session.closed());
      ws.on('error', () => session.closed());
    });
  });
  return wss;
}
