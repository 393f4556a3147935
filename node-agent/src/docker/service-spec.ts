import { tmpfsSizeMb, type ServiceUpsert } from '@berth/protocol';
import type { EngineMount, EngineServiceSpec } from './docker-port.ts';
import { LABEL, serviceLabels } from './labels.ts';
import { serviceName, volumeName } from './names.ts';

const NS_PER_S = 1_000_000_000;
const MIB = 1024 * 1024;
/** World-writable with the sticky bit, like /tmp (and Docker's tmpfs default). */
const TMPFS_MODE = 0o1777;

/** A tenant secret resolved to the Swarm secret object it maps to. */
export interface ResolvedSecret {
  secretId: string;
  swarmName: string;
  target: string;
}

/** What `buildServiceSpec` needs besides the desired state. */
export interface BuildContext {
  /** The tenant network's id (or name), the only network the service joins. */
  networkTarget: string;
  secrets: readonly ResolvedSecret[];
  /** Carried over from the running service so updates do not trigger spurious restarts. */
  forceUpdate: number;
  /** The cluster's volume driver (the agent's admission policy); volumes get no driver options. */
  volumeDriver: string;
}

/**
 * Translates a desired agent service into the Docker Engine ServiceSpec the agent will send.
 * Pure. Only shapes admission allows are emitted: named volumes, namespaced per tenant, on the
 * cluster's volume driver without options, and tmpfs with an explicit size;
 * every task runs with an init process, hard CPU/memory limits, one network,
 * start-first updates that roll back on failure, and no published ports.
 */
export function buildServiceSpec(desired: ServiceUpsert, ctx: BuildContext): EngineServiceSpec {
  const { spec, tenantId, agentServiceId, specHash } = desired;
  const labels = serviceLabels(tenantId, agentServiceId, specHash);
  const mounts = (spec.mounts ?? []).flatMap((m): EngineMount[] => {
    if (m.type === 'tmpfs') return [{ Type: 'tmpfs', Source: '', Target: m.target, ReadOnly: m.readOnly ?? false, TmpfsOptions: { SizeBytes: tmpfsSizeMb(m, spec.limits.memoryMb) * MIB, Mode: TMPFS_MODE } }];
    if (m.type !== 'volume') return [];
    return [
      {
        Type: 'volume',
        Source: volumeName(tenantId, m.source ?? spec.name),
        Target: m.target,
        ReadOnly: m.readOnly ?? false,
        VolumeOptions: { NoCopy: false, Labels: { [LABEL.managed]: 'true', [LABEL.tenant]: tenantId }, DriverConfig: { Name: ctx.volumeDriver, Options: {} } },
      },
    ];
  });
  return {
    Name: serviceName(tenantId, spec.name),
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        ...(spec.command ? { Command: spec.command } : {}),
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Init: true,
        Labels: { [LABEL.managed]: 'true', [LABEL.tenant]: tenantId, [LABEL.agentService]: agentServiceId },
        Secrets: ctx.secrets.map((s) => ({ SecretID: s.secretId, SecretName: s.swarmName, File: { Name: s.target, UID: '0', GID: '0', Mode: 0o400 } })),
        ...(mounts.length > 0 ? { Mounts: mounts } : {}),
        ...(spec.healthcheck
          ? {
              HealthCheck: {
                Test: spec.healthcheck.test,
                Interval: spec.healthcheck.intervalS * NS_PER_S,
                Timeout: spec.healthcheck.timeoutS * NS_PER_S,
                Retries: spec.healthcheck.retries,
                StartPeriod: spec.healthcheck.startPeriodS * NS_PER_S,
              },
            }
          : {}),
        StopGracePeriod: 10 * NS_PER_S,
      },
      Resources: { Limits: { NanoCPUs: Math.round(spec.limits.cpu * NS_PER_S), MemoryBytes: spec.limits.memoryMb * 1024 * 1024 } },
      RestartPolicy: { Condition: 'any', Delay: 5 * NS_PER_S, MaxAttempts: 0, Window: 0 },
      Networks: [{ Target: ctx.networkTarget, Aliases: [spec.name] }],
      ...(spec.placement ? { Placement: { Constraints: spec.placement.constraints } } : {}),
      ForceUpdate: ctx.forceUpdate,
    },
    Mode: { Replicated: { Replicas: spec.replicas } },
    UpdateConfig: { Parallelism: 1, Delay: 0, FailureAction: 'rollback', Monitor: 5 * NS_PER_S, MaxFailureRatio: 0, Order: 'start-first' },
    RollbackConfig: { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 5 * NS_PER_S, MaxFailureRatio: 0, Order: 'start-first' },
    EndpointSpec: { Mode: 'vip' },
  };
}
