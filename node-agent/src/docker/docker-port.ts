import type { LogLine } from '@berth/protocol';

/** The subset of a Docker Engine ServiceSpec Berth generates (Engine API field names). */
export interface EngineServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Command?: string[];
      Env?: string[];
      Init?: boolean;
      Labels?: Record<string, string>;
      Secrets?: Array<{ SecretID: string; SecretName: string; File: { Name: string; UID: string; GID: string; Mode: number } }>;
      Mounts?: Array<
        | { Type: 'tmpfs'; Source: ''; Target: string; ReadOnly?: boolean; TmpfsOptions: { SizeBytes: number; Mode: number } }
        | { Type: 'volume'; Source: string; Target: string; ReadOnly?: boolean; VolumeOptions: { NoCopy: boolean; Labels: Record<string, string>; DriverConfig: { Name: string; Options: Record<string, never> } } }
      >;
      HealthCheck?: { Test: string[]; Interval: number; Timeout: number; Retries: number; StartPeriod: number };
      StopGracePeriod?: number;
    };
    Resources: { Limits: { NanoCPUs: number; MemoryBytes: number } };
    RestartPolicy: { Condition: 'none' | 'on-failure' | 'any'; Delay: number; MaxAttempts: number; Window: number };
    Networks: Array<{ Target: string; Aliases?: string[] }>;
    Placement?: { Constraints: string[] };
    ForceUpdate: number;
  };
  Mode: { Replicated: { Replicas: number } };
  UpdateConfig: { Parallelism: number; Delay: number; FailureAction: 'pause' | 'continue' | 'rollback'; Monitor: number; MaxFailureRatio: number; Order: 'stop-first' | 'start-first' };
  RollbackConfig: { Parallelism: number; Delay: number; FailureAction: 'pause' | 'continue'; Monitor: number; MaxFailureRatio: number; Order: 'stop-first' | 'start-first' };
  EndpointSpec: { Mode: 'vip' | 'dnsrr' };
}

/** One mount of a generated spec: a sized tmpfs or a tenant volume on the cluster's driver. */
export type EngineMount = NonNullable<EngineServiceSpec['TaskTemplate']['ContainerSpec']['Mounts']>[number];

/** A service spec exactly as the engine returned it. */
export type RawServiceSpec = Record<string, unknown>;

/** Swarm `UpdateStatus.State`. */
export type UpdateState = 'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';

/** A Swarm service as the agent sees it. `spec` is the raw spec Docker returned (re-sent on update). */
export interface SwarmService {
  id: string;
  version: number;
  name: string;
  labels: Record<string, string>;
  replicas: number | undefined;
  forceUpdate: number;
  updateStatus: { state: UpdateState | undefined; message: string | undefined } | undefined;
  spec: RawServiceSpec;
}

/** A Swarm task (one scheduled replica). */
export interface SwarmTask {
  id: string;
  serviceId: string;
  nodeId: string | undefined;
  slot: number | undefined;
  state: string;
  desiredState: string;
  message: string | undefined;
  error: string | undefined;
  containerId: string | undefined;
  /** ISO time of the last status change. */
  timestamp: string | undefined;
}

/** A network or secret object: id, name, labels. */
export interface SwarmObject {
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** Docker event object types the agent may watch. */
export type EngineEventType = 'service' | 'container' | 'network' | 'secret' | 'node';

/** A Docker event, reduced to what the agent reacts to. */
export interface DockerEvent {
  type: string;
  action: string;
  actorId: string;
  attributes: Record<string, string>;
  timeNano: number;
}

/** Options of a new overlay network. */
export interface NetworkCreateSpec {
  name: string;
  labels: Record<string, string>;
  /** IPsec encryption of overlay traffic (`--opt encrypted`). */
  encrypted: boolean;
}

/**
 * The narrow Docker surface the agent uses. The only implementation talking to an engine is the
 * dockerode adapter; failures are `DockerError`s classified by status (NOT_FOUND, CONFLICT, …).
 */
export interface DockerPort {
  /** This engine's Swarm node id and whether it is a manager (`''`, false when not in a swarm). */
  swarmInfo(): Promise<{ nodeId: string; isManager: boolean }>;
  /** Services carrying all given labels (`key=value` or `key`). */
  listServices(labels: readonly string[]): Promise<SwarmService[]>;
  /** Inspects one service; NOT_FOUND when gone. */
  inspectService(id: string): Promise<SwarmService>;
  /** Creates a service and returns its id; CONFLICT when the name is taken. */
  createService(spec: EngineServiceSpec): Promise<string>;
  /**
   * Replaces a service's spec; `version` is the `Version.Index` read before (optimistic concurrency).
   * `spec` is a generated spec or a previously read raw spec with a change applied (scale, restart).
   */
  updateService(id: string, version: number, spec: EngineServiceSpec | RawServiceSpec): Promise<void>;
  /** Removes a service; NOT_FOUND when already gone. */
  removeService(id: string): Promise<void>;
  /** Tasks of one service. */
  listTasks(serviceId: string): Promise<SwarmTask[]>;
  /** Network by name or id, or undefined. */
  inspectNetwork(nameOrId: string): Promise<SwarmObject | undefined>;
  /** Creates a swarm-scoped overlay network (never attachable); returns its id. */
  createNetwork(spec: NetworkCreateSpec): Promise<string>;
  /** Removes a network; NOT_FOUND when gone. */
  removeNetwork(id: string): Promise<void>;
  /** Secrets carrying every `key=value` label given (metadata only). */
  listSecrets(labels: readonly string[]): Promise<SwarmObject[]>;
  /** Secret by name or id (metadata only, Swarm never returns values), or undefined. */
  inspectSecret(nameOrId: string): Promise<SwarmObject | undefined>;
  /** Creates a secret from base64 data; CONFLICT when the name is taken. */
  createSecret(name: string, labels: Record<string, string>, dataB64: string): Promise<string>;
  /** Removes a secret; NOT_FOUND when gone. */
  removeSecret(id: string): Promise<void>;
  /** The last `tail` log lines of a service, demultiplexed. */
  serviceLogs(serviceId: string, tail: number): Promise<LogLine[]>;
  /** Container health status (`starting`, `healthy`, `unhealthy`) or undefined without a healthcheck / container. */
  containerHealth(containerId: string): Promise<string | undefined>;
  /**
   * Streams engine events of the given types until `signal` aborts or the stream ends
   * (the promise then settles: resolves on abort or end, rejects on a connection error).
   * With `sinceMs` (epoch ms), the engine first replays the events it still holds from that
   * moment on, so nothing that happened before the stream opened is missed.
   */
  watchEvents(types: readonly EngineEventType[], onEvent: (e: DockerEvent) => void, signal: AbortSignal, sinceMs?: number): Promise<void>;
}
