import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { createAgent } from './agent.ts';
import { loadConfig } from './config.ts';
import { DockerodeAdapter } from './docker/dockerode-adapter.ts';
import { enroll } from './enroll/enroll.ts';
import { AgentError, describeError, errorCode } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { StateFile } from './state/state-file.ts';
import { AGENT_VERSION } from './version.ts';

const USAGE = `usage:
  berth-agent enroll --edge <url> --token <bj1.…> [--state <dir>]
  berth-agent run [--state <dir>]`;

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const log = createLogger({ level: config.BERTH_LOG_LEVEL });
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { edge: { type: 'string' }, token: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (values.help || (command !== 'enroll' && command !== 'run')) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const stateFile = new StateFile(values.state ?? config.BERTH_AGENT_STATE_DIR);
  const docker = new DockerodeAdapter({ socketPath: config.DOCKER_SOCKET });

  if (command === 'enroll') {
    if (!values.edge || !values.token) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const state = await enroll({ edgeUrl: values.edge, token: values.token, hostname: hostname(), agentVersion: AGENT_VERSION, docker, stateFile });
    log.info('agent enrolled', { agentId: state.agentId, clusterId: state.clusterId, stateFile: stateFile.path });
    return 0;
  }

  const state = await stateFile.load();
  if (!state) {
    log.error('agent is not enrolled', { code: 'STATE_MISSING', stateFile: stateFile.path });
    return 2;
  }
  const agent = await createAgent({
    state,
    stateFile,
    docker,
    policy: {
      allowedRegistries: config.BERTH_ALLOWED_REGISTRIES,
      allowManagerPlacement: config.BERTH_ALLOW_MANAGER_PLACEMENT,
      allowedPlacementLabels: config.BERTH_ALLOWED_PLACEMENT_LABELS,
      volumeDriver: config.BERTH_VOLUME_DRIVER,
    },
    heartbeatMs: config.BERTH_HEARTBEAT_MS,
    backoffMaxMs: config.BERTH_RECONNECT_MAX_MS,
    version: AGENT_VERSION,
    log,
  });
  agent.start();
  log.info('agent started', { agentId: state.agentId, version: AGENT_VERSION });
  return waitForShutdown(log, config.BERTH_SHUTDOWN_TIMEOUT_MS, () => agent.stop());
}

/** Resolves with the exit code once SIGTERM/SIGINT drained the agent; a backstop forces the exit. */
function waitForShutdown(log: Logger, timeoutMs: number, drain: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let started = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (started) return;
      started = true;
      log.info('shutting down', { signal });
      setTimeout(() => {
        log.error('shutdown timed out, forcing exit', { timeoutMs });
        process.exit(1);
      }, timeoutMs).unref();
      drain().then(
        () => resolve(0),
        (e: unknown) => {
          log.error('shutdown failed', { code: errorCode(e), error: describeError(e) });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const code = e instanceof AgentError ? e.code : 'INTERNAL';
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'agent failed', code, error: describeError(e) })}\n`);
    process.exit(1);
  },
);
