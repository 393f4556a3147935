import type { LogLine } from '@berth/protocol';
import { DockerError, type DockerEvent, type DockerPort, type EngineEventType, type EngineServiceSpec, type NetworkCreateSpec, type RawServiceSpec, type SwarmObject, type SwarmService, type SwarmTask } from '@berth/node-agent';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labelsOf(spec: RawServiceSpec): Record<string, string> {
  const l = spec['Labels'];
  return isRecord(l) ? Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
}

function replicasOf(spec: RawServiceSpec): number | undefined {
  const mode = spec['Mode'];
  const rep = isRecord(mode) ? mode['Replicated'] : undefined;
  const n = isRecord(rep) ? rep['Replicas'] : undefined;
  return typeof n === 'number' ? n : undefined;
}

function forceUpdateOf(spec: RawServiceSpec): number {
  const tt = spec['TaskTemplate'];
  const f = isRecord(tt) ? tt['ForceUpdate'] : undefined;
  return typeof f === 'number' ? f : 0;
}

function matches(labels: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf('=');
  return eq === -1 ? filter in labels : labels[filter.slice(0, eq)] === filter.slice(eq + 1);
}

/**
 * In-memory DockerPort for unit tests. Mimics the Swarm behaviours the agent relies on:
 * `Version.Index` checks on update, name conflicts (409), not found (404), one running task per
 * replica. Records every call in `calls` so tests can assert what was (not) sent.
 */
export class FakeDockerPort implements DockerPort {
  readonly services = new Map<string, { version: number; spec: RawServiceSpec; updateStatus?: SwarmService['updateStatus'] }>();
  readonly tasks = new Map<string, SwarmTask[]>();
  readonly networks = new Map<string, SwarmObject>();
  readonly secrets = new Map<string, SwarmObject & { dataB64: string }>();
  readonly logs = new Map<string, LogLine[]>();
  readonly calls: Array<{ op: string; arg?: unknown }> = [];
  /** Task state new tasks get (set to 'rejected' to simulate a missing image). */
  newTaskState = 'running';
  nodeId = 'fake-node';
  /** Test helper: creating a network of this name waits for the promise first (a slow engine). */
  readonly slowNetworks = new Map<string, Promise<void>>();
  #seq = 0;
  #listeners = new Set<(e: DockerEvent) => void>();
  /** Every event emitted, for streams opened with `sinceMs` (the engine keeps a window of them too). */
  #history: DockerEvent[] = [];
  #down = false;
  #streams = new Set<() => void>();

  /** Test helper: the engine stops (event streams end, reads fail with DOCKER_UNAVAILABLE). */
  stopEngine(): void {
    this.#down = true;
    for (const end of this.#streams) end();
    this.#streams.clear();
  }

  /** Test helper: the engine answers again. */
  startEngine(): void {
    this.#down = false;
  }

  #up(): void {
    if (this.#down) throw new DockerError('DOCKER_UNAVAILABLE', 'engine is not running');
  }

  #id(prefix: string): string {
    this.#seq += 1;
    return `${prefix}${String(this.#seq).padStart(6, '0')}`;
  }

  #emit(type: string, action: string, actorId: string, attributes: Record<string, string> = {}): void {
    const event: DockerEvent = { type, action, actorId, attributes, timeNano: Date.now() * 1e6 };
    this.#history.push(event);
    for (const l of this.#listeners) l(event);
  }

  #resetTasks(id: string, spec: RawServiceSpec): void {
    const n = replicasOf(spec) ?? 1;
    this.tasks.set(
      id,
      Array.from({ length: n }, (_, i) => ({
        id: this.#id('task'),
        serviceId: id,
        nodeId: this.nodeId,
        slot: i + 1,
        state: this.newTaskState,
        desiredState: 'running',
        message: this.newTaskState,
        error: this.newTaskState === 'rejected' ? 'No such image' : undefined,
        containerId: undefined,
        timestamp: new Date().toISOString(),
      })),
    );
  }

  #toService(id: string): SwarmService {
    const s = this.services.get(id);
    if (!s) throw new DockerError('NOT_FOUND', `service ${id}: not found`, 404);
    const name = s.spec['Name'];
    return {
      id,
      version: s.version,
      name: typeof name === 'string' ? name : id,
      labels: labelsOf(s.spec),
      replicas: replicasOf(s.spec),
      forceUpdate: forceUpdateOf(s.spec),
      updateStatus: s.updateStatus,
      spec: structuredClone(s.spec),
    };
  }

  async swarmInfo(): Promise<{ nodeId: string; isManager: boolean }> {
    this.#up();
    return { nodeId: this.nodeId, isManager: true };
  }

  async listServices(labels: readonly string[]): Promise<SwarmService[]> {
    this.#up();
    return [...this.services.keys()].map((id) => this.#toService(id)).filter((s) => labels.every((f) => matches(s.labels, f)));
  }

  async inspectService(id: string): Promise<SwarmService> {
    this.#up();
    return this.#toService(id);
  }

  async createService(spec: EngineServiceSpec): Promise<string> {
    this.calls.push({ op: 'createService', arg: structuredClone(spec) });
    if ([...this.services.values()].some((s) => s.spec['Name'] === spec.Name)) throw new DockerError('CONFLICT', `create service ${spec.Name}: name conflicts`, 409);
    const id = this.#id('svc');
    const raw: RawServiceSpec = structuredClone({ ...spec });
    this.services.set(id, { version: 1, spec: raw });
    this.#resetTasks(id, raw);
    this.#emit('service', 'create', id, { name: spec.Name });
    return id;
  }

  async updateService(id: string, version: number, spec: EngineServiceSpec | RawServiceSpec): Promise<void> {
    this.calls.push({ op: 'updateService', arg: { id, version, spec: structuredClone(spec) } });
    const s = this.services.get(id);
    if (!s) throw new DockerError('NOT_FOUND', `service ${id}: not found`, 404);
    if (s.version !== version) throw new DockerError('DOCKER_ERROR', `update service ${id}: update out of sequence`, 500);
    const raw: RawServiceSpec = structuredClone({ ...spec });
    this.services.set(id, { version: version + 1, spec: raw });
    this.#resetTasks(id, raw);
    this.#emit('service', 'update', id);
  }

  async removeService(id: string): Promise<void> {
    this.calls.push({ op: 'removeService', arg: id });
    if (!this.services.delete(id)) throw new DockerError('NOT_FOUND', `service ${id}: not found`, 404);
    this.tasks.delete(id);
    this.#emit('service', 'remove', id);
  }

  async listTasks(serviceId: string): Promise<SwarmTask[]> {
    return structuredClone(this.tasks.get(serviceId) ?? []);
  }

  async inspectNetwork(nameOrId: string): Promise<SwarmObject | undefined> {
    return [...this.networks.values()].find((n) => n.id === nameOrId || n.name === nameOrId);
  }

  async createNetwork(spec: NetworkCreateSpec): Promise<string> {
    this.calls.push({ op: 'createNetwork', arg: spec });
    await this.slowNetworks.get(spec.name);
    if (await this.inspectNetwork(spec.name)) throw new DockerError('CONFLICT', `network ${spec.name} exists`, 409);
    const id = this.#id('net');
    this.networks.set(id, { id, name: spec.name, labels: { ...spec.labels } });
    return id;
  }

  async removeNetwork(id: string): Promise<void> {
    if (!this.networks.delete(id)) throw new DockerError('NOT_FOUND', `network ${id}: not found`, 404);
  }

  async listSecrets(labels: readonly string[]): Promise<SwarmObject[]> {
    this.#up();
    return [...this.secrets.values()].filter((s) => labels.every((f) => matches(s.labels, f))).map((s) => ({ id: s.id, name: s.name, labels: { ...s.labels } }));
  }

  async inspectSecret(nameOrId: string): Promise<SwarmObject | undefined> {
    const s = [...this.secrets.values()].find((x) => x.id === nameOrId || x.name === nameOrId);
    return s ? { id: s.id, name: s.name, labels: { ...s.labels } } : undefined;
  }

  async createSecret(name: string, labels: Record<string, string>, dataB64: string): Promise<string> {
    this.calls.push({ op: 'createSecret', arg: { name, labels } });
    if (await this.inspectSecret(name)) throw new DockerError('CONFLICT', `secret ${name} exists`, 409);
    const id = this.#id('sec');
    this.secrets.set(id, { id, name, labels: { ...labels }, dataB64 });
    return id;
  }

  async removeSecret(id: string): Promise<void> {
    if (!this.secrets.delete(id)) throw new DockerError('NOT_FOUND', `secret ${id}: not found`, 404);
  }

  async serviceLogs(serviceId: string, tail: number): Promise<LogLine[]> {
    if (!this.services.has(serviceId)) throw new DockerError('NOT_FOUND', `service ${serviceId}: not found`, 404);
    return (this.logs.get(serviceId) ?? []).slice(-tail);
  }

  async containerHealth(): Promise<string | undefined> {
    return undefined;
  }

  async watchEvents(_types: readonly EngineEventType[], onEvent: (e: DockerEvent) => void, signal: AbortSignal, sinceMs?: number): Promise<void> {
    this.#up();
    if (sinceMs !== undefined) for (const e of this.#history) if (e.timeNano >= sinceMs * 1e6) onEvent(e);
    this.#listeners.add(onEvent);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      this.#streams.add(resolve);
    });
    this.#listeners.delete(onEvent);
  }

  /** Test helper: the only created/updated spec of a service, as last sent. */
  specOf(id: string): RawServiceSpec | undefined {
    return this.services.get(id)?.spec;
  }

  /** Test helper: replaces the tasks of a service. */
  setTasks(serviceId: string, tasks: SwarmTask[]): void {
    this.tasks.set(serviceId, tasks);
    this.#emit('container', 'die', 'c', { 'com.docker.swarm.service.id': serviceId });
  }
}
