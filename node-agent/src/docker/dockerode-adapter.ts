import Docker from 'dockerode';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { LogLine } from '@berth/protocol';
import { DockerError } from '../errors.ts';
import { classifyDockerError, docker } from './docker-errors.ts';
import type { DockerEvent, DockerPort, EngineEventType, EngineServiceSpec, NetworkCreateSpec, RawServiceSpec, SwarmObject, SwarmService, SwarmTask } from './docker-port.ts';
import { EngineContainer, EngineCreated, EngineEvent, EngineInfo, EngineNetwork, EngineSecret, EngineService, EngineTask } from './engine-schemas.ts';
import { demuxDockerLogs } from './log-demux.ts';
import { z } from 'zod';

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new DockerError('DOCKER_ERROR', `${what}: unexpected engine response`, undefined, { cause: r.error });
  return r.data;
}

function toService(raw: unknown): SwarmService {
  const s = parse(EngineService, raw, 'inspect service');
  return {
    id: s.ID,
    version: s.Version.Index,
    name: s.Spec.Name,
    labels: s.Spec.Labels,
    replicas: s.Spec.Mode?.Replicated?.Replicas,
    forceUpdate: s.Spec.TaskTemplate?.ForceUpdate ?? 0,
    updateStatus: s.UpdateStatus ? { state: s.UpdateStatus.State, message: s.UpdateStatus.Message } : undefined,
    spec: s.Spec,
  };
}

function toTask(raw: unknown): SwarmTask {
  const t = parse(EngineTask, raw, 'list tasks');
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    nodeId: t.NodeID,
    slot: t.Slot,
    state: t.Status.State,
    desiredState: t.DesiredState,
    message: t.Status.Message,
    error: t.Status.Err,
    containerId: t.Status.ContainerStatus?.ContainerID,
    timestamp: t.Status.Timestamp,
  };
}

function createdId(raw: unknown, what: string): string {
  const c = parse(EngineCreated, raw, what);
  const id = c.ID ?? c.Id ?? c.id;
  if (id === undefined) throw new DockerError('DOCKER_ERROR', `${what}: engine returned no id`);
  return id;
}

async function orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DockerError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

async function toBuffer(data: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data);
  if (data instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const c of data) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    return Buffer.concat(chunks);
  }
  return Buffer.alloc(0);
}

/** The dockerode-backed DockerPort (talks to the engine over its Unix socket). */
export class DockerodeAdapter implements DockerPort {
  readonly #docker: Docker;

  constructor(opts: { socketPath: string }) {
    this.#docker = new Docker({ socketPath: opts.socketPath });
  }

  async swarmInfo(): Promise<{ nodeId: string; isManager: boolean }> {
    const info = parse(EngineInfo, await docker('docker info', () => this.#docker.info()), 'docker info');
    return { nodeId: info.Swarm?.NodeID ?? '', isManager: info.Swarm?.ControlAvailable === true };
  }

  async listServices(labels: readonly string[]): Promise<SwarmService[]> {
    const list: unknown[] = await docker('list services', () => this.#docker.listServices({ filters: { label: [...labels] } }));
    return list.map(toService);
  }

  async inspectService(id: string): Promise<SwarmService> {
    return toService(await docker(`inspect service ${id}`, () => this.#docker.getService(id).inspect()));
  }

  async createService(spec: EngineServiceSpec): Promise<string> {
    const created: unknown = await docker(`create service ${spec.Name}`, () => this.#docker.createService(spec));
    // dockerode resolves with a Service handle whose `id` is the new service id.
    return createdId(created, 'create service');
  }

  async updateService(id: string, version: number, spec: EngineServiceSpec | RawServiceSpec): Promise<void> {
    await docker(`update service ${id}`, () => this.#docker.getService(id).update({ ...spec, version }));
  }

  async removeService(id: string): Promise<void> {
    await docker(`remove service ${id}`, () => this.#docker.getService(id).remove());
  }

  async listTasks(serviceId: string): Promise<SwarmTask[]> {
    const list: unknown[] = await docker('list tasks', () => this.#docker.listTasks({ filters: { service: [serviceId] } }));
    return list.map(toTask);
  }

  async inspectNetwork(nameOrId: string): Promise<SwarmObject | undefined> {
    return orUndefined(async () => {
      const n = parse(EngineNetwork, await docker(`inspect network ${nameOrId}`, () => this.#docker.getNetwork(nameOrId).inspect()), 'inspect network');
      return { id: n.Id, name: n.Name, labels: n.Labels };
    });
  }

  async createNetwork(spec: NetworkCreateSpec): Promise<string> {
    const created: unknown = await docker(`create network ${spec.name}`, () =>
      this.#docker.createNetwork({
        Name: spec.name,
        Driver: 'overlay',
        Attachable: false,
        Internal: false,
        CheckDuplicate: true,
        Labels: spec.labels,
        Options: spec.encrypted ? { encrypted: 'true' } : {},
      }),
    );
    return createdId(created, 'create network');
  }

  async removeNetwork(id: string): Promise<void> {
    await docker(`remove network ${id}`, () => this.#docker.getNetwork(id).remove());
  }

  async listSecrets(labels: readonly string[]): Promise<SwarmObject[]> {
    const list: unknown = await docker('list secrets', () => this.#docker.listSecrets({ filters: { label: [...labels] } }));
    return parse(z.array(EngineSecret), list, 'list secrets').map((s) => ({ id: s.ID, name: s.Spec.Name, labels: s.Spec.Labels }));
  }

  async inspectSecret(nameOrId: string): Promise<SwarmObject | undefined> {
    return orUndefined(async () => {
      const s = parse(EngineSecret, await docker(`inspect secret ${nameOrId}`, () => this.#docker.getSecret(nameOrId).inspect()), 'inspect secret');
      return { id: s.ID, name: s.Spec.Name, labels: s.Spec.Labels };
    });
  }

  async createSecret(name: string, labels: Record<string, string>, dataB64: string): Promise<string> {
    const created: unknown = await docker(`create secret ${name}`, () => this.#docker.createSecret({ Name: name, Labels: labels, Data: dataB64 }));
    return createdId(created, 'create secret');
  }

  async removeSecret(id: string): Promise<void> {
    await docker(`remove secret ${id}`, () => this.#docker.getSecret(id).remove());
  }

  async serviceLogs(serviceId: string, tail: number): Promise<LogLine[]> {
    const data: unknown = await docker(`logs of service ${serviceId}`, () =>
      this.#docker.getService(serviceId).logs({ stdout: true, stderr: true, timestamps: true, tail, follow: false }),
    );
    return demuxDockerLogs(await toBuffer(data));
  }

  async containerHealth(containerId: string): Promise<string | undefined> {
    const raw = await orUndefined(() => docker(`inspect container ${containerId}`, () => this.#docker.getContainer(containerId).inspect()));
    if (raw === undefined) return undefined;
    return parse(EngineContainer, raw, 'inspect container').State?.Health?.Status;
  }

  async watchEvents(types: readonly EngineEventType[], onEvent: (e: DockerEvent) => void, signal: AbortSignal, sinceMs?: number): Promise<void> {
    if (signal.aborted) return;
    let stream: unknown;
    try {
      // The engine's `since` is in whole seconds: rounding down replays a little more, never less.
      const since = sinceMs === undefined ? {} : { since: Math.floor(sinceMs / 1000) };
      stream = await this.#docker.getEvents({ filters: { type: [...types] }, ...since, abortSignal: signal });
    } catch (e) {
      if (signal.aborted) return;
      throw classifyDockerError(e, 'watch events');
    }
    if (!(stream instanceof Readable)) throw new DockerError('DOCKER_ERROR', 'watch events: engine returned no stream');
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    const events = stream;
    const onAbort = (): void => {
      lines.close();
      events.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          continue;
        }
        const ev = EngineEvent.safeParse(json);
        if (!ev.success) continue;
        onEvent({
          type: ev.data.Type,
          action: ev.data.Action,
          actorId: ev.data.Actor.ID,
          attributes: ev.data.Actor.Attributes ?? {},
          timeNano: ev.data.timeNano ?? 0,
        });
      }
    } catch (e) {
      if (!signal.aborted) throw classifyDockerError(e, 'watch events');
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
