import { randomUUID } from 'node:crypto';
import { importJWK } from 'jose';
import { SIGNING_ALG, type AdmissionPolicy } from '@berth/protocol';
import { CommandProcessor } from './commands/command-processor.ts';
import { ReplayGuard } from './commands/replay-guard.ts';
import { EdgeConnection } from './connection/edge-connection.ts';
import type { ConnState } from './connection/connection-state.ts';
import type { DockerPort } from './docker/docker-port.ts';
import { EventBatcher } from './health/event-batcher.ts';
import { StatusWatcher } from './health/status-watcher.ts';
import type { Logger } from './logger.ts';
import { AgentSigner } from './signing/agent-signer.ts';
import type { AgentState } from './state/agent-state.ts';
import type { StateFile } from './state/state-file.ts';

/** What a running agent needs. */
export interface AgentDeps {
  state: AgentState;
  stateFile: StateFile;
  docker: DockerPort;
  policy: AdmissionPolicy;
  heartbeatMs: number;
  backoffMaxMs: number;
  version: string;
  log: Logger;
  /** Overrides `state.connectUrl` (tests). */
  connectUrl?: string;
  onConnectionState?: (s: ConnState) => void;
}

/** A running agent. */
export interface Agent {
  start(): void;
  /** Drains in-flight commands, flushes status events, closes the socket. Idempotent. */
  stop(): Promise<void>;
  readonly connection: EdgeConnection;
}

/** Wires the verified command pipeline, the status watcher and the edge link together. */
export async function createAgent(deps: AgentDeps): Promise<Agent> {
  const log = deps.log.child({ agentId: deps.state.agentId, clusterId: deps.state.clusterId });
  let state = deps.state;
  const signer = await AgentSigner.create(state.agentId, state.privateKeyJwk);
  const edgeKey = await importJWK(state.edgePublicKeyJwk, SIGNING_ALG);
  if (edgeKey instanceof Uint8Array) throw new TypeError('pinned edge key is not an asymmetric key');
  const guard = new ReplayGuard({ lastSeq: state.lastSeq, applied: state.applied }, async (r) => {
    state = { ...state, lastSeq: r.lastSeq, applied: r.applied };
    await deps.stateFile.save(state);
  });
  const processor = new CommandProcessor({
    verify: { edgeKey, agentId: state.agentId },
    guard,
    signer,
    ctx: { docker: deps.docker, policy: deps.policy, log },
  });
  const { nodeId } = await deps.docker.swarmInfo();

  const connection: EdgeConnection = new EdgeConnection({
    url: deps.connectUrl ?? state.connectUrl,
    signer,
    version: deps.version,
    swarmNodeId: nodeId,
    lastSeq: () => guard.lastSeq,
    heartbeatMs: deps.heartbeatMs,
    backoffMaxMs: deps.backoffMaxMs,
    log,
    onCommand: (jws) => {
      void processor.handle(jws).then((outcome) => {
        // A result that cannot be sent now is not lost: the edge redelivers the command after
        // reconnecting and gets the stored result.
        if (outcome.kind !== 'rejected') connection.send({ type: 'agent:result', jws: outcome.resultJws });
      });
    },
    onReady: () => {
      void batcher.flush();
      void watcher.resync({ full: true });
    },
    ...(deps.onConnectionState ? { onState: deps.onConnectionState } : {}),
  });
  const batcher = new EventBatcher({
    log,
    send: async (events) => {
      if (connection.state !== 'ready') return false;
      return connection.send({ type: 'agent:events', jws: await signer.events(`evt-${randomUUID()}`, events) });
    },
  });
  const watcher = new StatusWatcher({
    docker: deps.docker,
    emit: (e) => batcher.push(e),
    log,
    // After an engine restart, a fresh handshake makes the edge reconcile the whole cluster.
    onEngineRestored: () => connection.reconnect('docker engine restarted'),
  });

  let stopping: Promise<void> | undefined;
  return {
    connection,
    start: () => {
      watcher.start();
      connection.start();
    },
    stop: () => {
      stopping ??= (async () => {
        const started = Date.now();
        await watcher.stop();
        await processor.idle();
        log.debug('commands drained', { elapsedMs: Date.now() - started });
        await Promise.race([batcher.flush(), new Promise((r) => setTimeout(r, 1000).unref())]);
        batcher.stop();
        await connection.stop();
        log.info('agent stopped', { elapsedMs: Date.now() - started });
      })();
      return stopping;
    },
  };
}
