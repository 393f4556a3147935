import { describe, expect, it } from 'vitest';
import { checkEngineServiceSpec, ServiceUpsert, type AgentServiceSpecInput } from '@berth/protocol';
import { volumePrefix } from './names.ts';
import { buildServiceSpec } from './service-spec.ts';

const policy = { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: ['zone'], volumeDriver: 'rexray/ebs:latest' };

function build(patch: Partial<AgentServiceSpecInput>) {
  const desired = ServiceUpsert.parse({ tenantId: 't1', agentServiceId: 's1', specHash: 'hash-0001', network: 'net-t1', secrets: [], spec: { name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.5, memoryMb: 32 }, ...patch } });
  return buildServiceSpec(desired, { networkTarget: 'net-id', secrets: [], forceUpdate: 0, volumeDriver: policy.volumeDriver });
}

describe('buildServiceSpec', () => {
  it('emits tenant volumes on the cluster driver without options, and every tmpfs with a size', () => {
    const spec = build({ mounts: [{ type: 'volume', source: 'data', target: '/data' }, { type: 'tmpfs', target: '/tmp' }, { type: 'tmpfs', target: '/big', sizeMb: 16 }] });
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'volume', Source: 'berth-t1-data', Target: '/data', ReadOnly: false, VolumeOptions: { NoCopy: false, Labels: { 'berth.managed': 'true', 'berth.tenant': 't1' }, DriverConfig: { Name: 'rexray/ebs:latest', Options: {} } } },
      // No size given: 64 MiB capped at the 32 MiB memory limit.
      { Type: 'tmpfs', Source: '', Target: '/tmp', ReadOnly: false, TmpfsOptions: { SizeBytes: 32 * 1024 * 1024, Mode: 0o1777 } },
      { Type: 'tmpfs', Source: '', Target: '/big', ReadOnly: false, TmpfsOptions: { SizeBytes: 16 * 1024 * 1024, Mode: 0o1777 } },
    ]);
  });

  it('builds a spec the Engine-spec allowlist admits, healthcheck, command and placement included', () => {
    const spec = build({
      command: ['sleep', '1'],
      env: { A: '1' },
      healthcheck: { test: ['CMD', 'true'], intervalS: 5, timeoutS: 2, retries: 1, startPeriodS: 0 },
      mounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }, { type: 'tmpfs', target: '/tmp' }],
      placement: { constraints: ['node.labels.zone==a', 'node.role!=manager'] },
    });
    expect(checkEngineServiceSpec(spec, { ...policy, allowedNetworks: ['net-id'], volumePrefix: volumePrefix('t1') })).toEqual([]);
  });
});
