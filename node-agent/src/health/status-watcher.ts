import type { ServiceStatusEvent } from '@berth/protocol';
import type { DockerPort, SwarmService } from '../docker/docker-port.ts';
import { LABEL, MANAGED_FILTER } from '../docker/labels.ts';
import { DockerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { deriveStatus, type ObservedTask } from './derive-status.ts';
import { collectRetiredSecrets } from '../docker/secret-gc.ts';

/**
 * When (ms after a trigger) a service is checked. The first check runs at once and the early ones
 * are close together: a container `start` event comes a little before the manager records the
 * task `running` (it batches task updates), and that transition is what users wait for. Later
 * checks space out for transitions without an event (a restart delay, a rejected task).
 */
const SETTLE_AT_MS = [0, 25, 50, 100, 150, 250, 400, 700, 1500, 3500, 6500, 11_500, 19_500, 29_500];
/** A stable status seen before this is checked once more here (a task may die right after start). */
const CONFIRM_AT_MS = 1500;
const STABLE = new Set(['running', 'stopped', 'removed']);

interface Known {
  tenantId: string;
  agentServiceId: string;
  fingerprint: string;
}

/**
 * Turns Docker events into Berth service status events. Events are the trigger (no steady polling):
 * a `service` or `container` event of a Berth service schedules a status check, followed by a few
 * spaced re-checks until the status is stable, because Swarm emits no event for task state
 * changes that involve no container (a rejected task of a missing image, a task waiting for its
 * restart delay). A full resync runs on start, after the event stream reconnects and every
 * `resyncMs` as a safety net; the stream then replays the events since that resync began, and a
 * service the resync found in transition gets the same re-checks. Only changes are emitted.
 */
export class StatusWatcher {
  readonly #docker: DockerPort;
  readonly #emit: (e: ServiceStatusEvent) => void;
  readonly #log: Logger;
  readonly #resyncMs: number;
  readonly #known = new Map<string, Known>();
  readonly #settling = new Map<string, NodeJS.Timeout>();
  readonly #checks = new Map<string, Promise<string | undefined>>();
  /** `serviceId@version` whose retired secrets were collected. */
  readonly #collected = new Set<string>();
  #abort = new AbortController();
  #resyncTimer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;

  readonly #onEngineRestored: () => void;
  readonly #retryMaxMs: number;
  #engineLost = false;

  constructor(opts: {
    docker: DockerPort;
    emit: (e: ServiceStatusEvent) => void;
    log: Logger;
    resyncMs?: number;
    /** The engine answers again after it was lost (e.g. dockerd restarted). */
    onEngineRestored?: () => void;
    /** Longest wait between attempts to re-open the event stream (the engine is a local socket). */
    retryMaxMs?: number;
  }) {
    this.#docker = opts.docker;
    this.#emit = opts.emit;
    this.#log = opts.log;
    this.#resyncMs = opts.resyncMs ?? 60_000;
    this.#onEngineRestored = opts.onEngineRestored ?? (() => undefined);
    this.#retryMaxMs = opts.retryMaxMs ?? 2000;
  }

  /** Whether the engine was found unreachable and has not answered since. */
  get engineLost(): boolean {
    return this.#engineLost;
  }

  /** Starts watching (idempotent). */
  start(): void {
    if (this.#loop) return;
    this.#abort = new AbortController();
    this.#loop = this.#watchLoop(this.#abort.signal);
    this.#resyncTimer = setInterval(() => void this.resync(), this.#resyncMs);
    this.#resyncTimer.unref();
  }

  /** Stops watching and cancels pending checks. */
  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#resyncTimer) clearInterval(this.#resyncTimer);
    for (const t of this.#settling.values()) clearTimeout(t);
    this.#settling.clear();
    await this.#loop;
    this.#loop = undefined;
  }

  /**
   * Checks every Berth service now and reports removed those that vanished. With `full`, every
   * status is re-emitted even if unchanged (after a reconnect the edge gets a complete snapshot).
   */
  async resync(opts: { full?: boolean } = {}): Promise<boolean> {
    if (opts.full) for (const k of this.#known.values()) k.fingerprint = '';
    let services: SwarmService[];
    try {
      services = await this.#docker.listServices([MANAGED_FILTER]);
    } catch (e) {
      this.#log.warn('status resync failed', { code: e instanceof DockerError ? e.code : 'INTERNAL' });
      return false;
    }
    const seen = new Set(services.map((s) => s.id));
    for (const id of this.#known.keys()) if (!seen.has(id)) this.#reportRemoved(id);
    const statuses = await Promise.all(services.map((s) => this.check(s.id)));
    // A service found on its way somewhere is followed like one an event announced: its next
    // transition may come without a container event (a task the manager has yet to mark running).
    services.forEach((s, i) => {
      const status = statuses[i];
      if (status !== undefined && !STABLE.has(status) && !this.#settling.has(s.id)) this.trigger(s.id);
    });
    return true;
  }

  /** Schedules a check of one service now plus settle re-checks. */
  trigger(serviceId: string): void {
    const existing = this.#settling.get(serviceId);
    if (existing) clearTimeout(existing);
    const started = Date.now();
    const step = (i: number): void => {
      const at = SETTLE_AT_MS[i];
      if (at === undefined) {
        this.#settling.delete(serviceId);
        return;
      }
      const t = setTimeout(() => {
        void this.check(serviceId).then((status) => {
          if (this.#settling.get(serviceId) !== t) return;
          if (status === undefined || (STABLE.has(status) && at >= CONFIRM_AT_MS)) this.#settling.delete(serviceId);
          else if (STABLE.has(status)) step(SETTLE_AT_MS.findIndex((x) => x >= CONFIRM_AT_MS));
          else step(i + 1);
        });
      }, Math.max(0, started + at - Date.now()));
      t.unref();
      this.#settling.set(serviceId, t);
    };
    step(0);
  }

  /**
   * Computes one service's status and emits it if it changed; returns the status. Checks of one
   * service run one after another, so an older observation is never emitted after a newer one.
   */
  check(serviceId: string): Promise<string | undefined> {
    const previous = this.#checks.get(serviceId) ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => this.#checkNow(serviceId));
    this.#checks.set(serviceId, next);
    void next.finally(() => {
      if (this.#checks.get(serviceId) === next) this.#checks.delete(serviceId);
    });
    return next;
  }

  async #checkNow(serviceId: string): Promise<string | undefined> {
    let svc: SwarmService;
    try {
      svc = await this.#docker.inspectService(serviceId);
    } catch (e) {
      if (e instanceof DockerError && e.code === 'NOT_FOUND') {
        this.#reportRemoved(serviceId);
        return 'removed';
      }
      this.#log.warn('status check failed', { serviceId, code: e instanceof DockerError ? e.code : 'INTERNAL' });
      return undefined;
    }
    const tenantId = svc.labels[LABEL.tenant];
    const agentServiceId = svc.labels[LABEL.agentService];
    if (svc.labels[LABEL.managed] !== 'true' || tenantId === undefined || agentServiceId === undefined) return undefined;
    const tasks: ObservedTask[] = await this.#docker.listTasks(svc.id).catch(() => []);
    for (const t of tasks) {
      if (t.state === 'running' && t.containerId) t.health = await this.#docker.containerHealth(t.containerId).catch(() => undefined);
    }
    const derived = deriveStatus({ desiredReplicas: svc.replicas, updateStatus: svc.updateStatus, tasks });
    const recent = [...tasks].sort((a, b) => (b.timestamp ?? '').localeCompare(a.timestamp ?? '')).slice(0, 20);
    const specHash = svc.labels[LABEL.specHash];
    const event: ServiceStatusEvent = {
      type: 'service.status',
      tenantId,
      agentServiceId,
      status: derived.status,
      ...(derived.reason ? { reason: derived.reason.slice(0, 2048) } : {}),
      ...(specHash ? { specHash } : {}),
      tasks: recent.map((t) => ({
        id: t.id,
        state: t.state,
        desiredState: t.desiredState,
        ...(t.message ? { message: t.message } : {}),
        ...(t.error ? { error: t.error } : {}),
        ...(t.nodeId ? { nodeId: t.nodeId } : {}),
        ...(t.health ? { health: t.health } : {}),
      })),
      at: Date.now(),
    };
    const fingerprint = JSON.stringify([event.status, event.reason, event.specHash, event.tasks]);
    if (this.#known.get(svc.id)?.fingerprint !== fingerprint) {
      this.#known.set(svc.id, { tenantId, agentServiceId, fingerprint });
      this.#log.debug('service status observed', { serviceId: svc.id, agentServiceId, status: event.status });
      this.#emit(event);
    }
    if (derived.status === 'running' && svc.labels[LABEL.retiredSecrets]) await this.#collect(svc);
    return derived.status;
  }

  /** Once an update converged, the secrets it stopped using go (see collectRetiredSecrets). */
  async #collect(svc: SwarmService): Promise<void> {
    const key = `${svc.id}@${svc.version}`;
    if (this.#collected.has(key) || svc.updateStatus?.state !== 'completed') return;
    this.#collected.add(key);
    try {
      const removed = await collectRetiredSecrets(this.#docker, svc);
      if (removed.length > 0) this.#log.info('retired secrets removed', { serviceId: svc.id, count: removed.length });
    } catch (e) {
      this.#collected.delete(key);
      this.#log.warn('retired secrets not removed', { serviceId: svc.id, code: e instanceof DockerError ? e.code : 'INTERNAL' });
    }
  }

  #reportRemoved(serviceId: string): void {
    const known = this.#known.get(serviceId);
    if (!known) return;
    this.#known.delete(serviceId);
    // A duplicate removed after a crash mid-create: the agent service itself is still there.
    for (const other of this.#known.values()) if (other.tenantId === known.tenantId && other.agentServiceId === known.agentServiceId) return;
    this.#emit({ type: 'service.status', tenantId: known.tenantId, agentServiceId: known.agentServiceId, status: 'removed', tasks: [], at: Date.now() });
  }

  /**
   * The engine stopped answering: what the agent last saw may no longer hold, so every known
   * service reads `unknown` until the engine is back (then a full resync reports each again).
   */
  #lose(code: string): void {
    if (this.#engineLost) return;
    this.#engineLost = true;
    this.#log.warn('docker engine lost', { code });
    for (const k of this.#known.values()) {
      k.fingerprint = '';
      this.#emit({ type: 'service.status', tenantId: k.tenantId, agentServiceId: k.agentServiceId, status: 'unknown', reason: `docker engine unreachable (${code})`, tasks: [], at: Date.now() });
    }
  }

  /**
   * Watch lifecycle: resync ──► stream events ──► (stream ends or fails) ──► probe the engine
   *   ──answers──► resync again;  ──no answer──► lost (services read unknown) ──► retry every
   *   ≤ retryMaxMs ──engine answers──► full resync ──► onEngineRestored (the agent re-handshakes,
   *   so the edge reconciles) ──► stream events.
   */
  async #watchLoop(signal: AbortSignal): Promise<void> {
    let delay = 250;
    while (!signal.aborted) {
      const wasLost = this.#engineLost;
      // Events from before the resync are replayed when the stream opens: a service that moved
      // between its resync check and the stream opening is checked again, not left behind.
      const since = Date.now();
      const synced = await this.resync({ full: wasLost });
      if (synced && wasLost) {
        this.#engineLost = false;
        this.#log.info('docker engine restored');
        this.#onEngineRestored();
      }
      if (!synced) {
        this.#lose('DOCKER_UNAVAILABLE');
        await this.#sleep(delay, signal);
        delay = Math.min(delay * 2, this.#retryMaxMs);
        continue;
      }
      try {
        await this.#docker.watchEvents(
          ['service', 'container'],
          (e) => {
            delay = 250;
            const id = e.type === 'service' ? e.actorId : e.attributes['com.docker.swarm.service.id'];
            if (id === undefined) return;
            if (e.type === 'container' && e.attributes[LABEL.managed] !== 'true') return;
            this.trigger(id);
          },
          signal,
          since,
        );
      } catch (e) {
        this.#log.warn('docker event stream failed', { code: e instanceof DockerError ? e.code : 'INTERNAL' });
      }
      if (signal.aborted) return;
      // The stream ended: an engine that no longer answers was restarted or stopped.
      const alive = await this.#docker.swarmInfo().then(
        () => true,
        () => false,
      );
      if (!alive) this.#lose('DOCKER_UNAVAILABLE');
      await this.#sleep(delay, signal);
      delay = Math.min(delay * 2, this.#retryMaxMs);
    }
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}
