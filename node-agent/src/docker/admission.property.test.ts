import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEngineServiceSpec, ServiceUpsert, type AgentServiceSpec } from '@berth/protocol';
import { allowedConstraint, allowedImage, allowedMount, casePolicy, forbiddenConstraint, forbiddenImage, forbiddenOtherMount, forbiddenVolumeMount, propertySeed } from '@berth/protocol/testing';
import { AdmissionRefused } from '../errors.ts';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { volumePrefix } from './names.ts';
import { buildServiceSpec } from './service-spec.ts';
import { ensureTenantNetwork } from './swarm-networks.ts';
import { upsertService } from './swarm-services.ts';

const MEMORY_MB = 64;
const seed = propertySeed(process.env);
const enginePolicy = { ...casePolicy, allowedNetworks: ['net-id-1'], volumePrefix: volumePrefix('t1') };

function desired(patch: Partial<AgentServiceSpec>): ServiceUpsert {
  const upsert = ServiceUpsert.parse({ tenantId: 't1', agentServiceId: 's1', specHash: 'hash-0001', network: 'net-t1', secrets: [], spec: { name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.5, memoryMb: MEMORY_MB } } });
  // Set after parsing: the command schema already refuses some image forms, and this is about admission.
  return { ...upsert, spec: { ...upsert.spec, ...patch } };
}

const built = (patch: Partial<AgentServiceSpec>) => buildServiceSpec(desired(patch), { networkTarget: 'net-id-1', secrets: [], forceUpdate: 0, volumeDriver: casePolicy.volumeDriver });

const forbidden = fc.oneof(
  fc.tuple(fc.oneof(forbiddenVolumeMount, forbiddenOtherMount(MEMORY_MB)), fc.array(allowedMount(MEMORY_MB), { maxLength: 2 })).map(([bad, ok]) => ({ mounts: [...ok, bad] })),
  fc.tuple(forbiddenConstraint, fc.array(allowedConstraint, { maxLength: 2 })).map(([bad, ok]) => ({ placement: { constraints: [...ok, bad] } })),
  forbiddenImage.map((image) => ({ image })),
);
const allowed = fc.record({ image: allowedImage, mounts: fc.array(allowedMount(MEMORY_MB), { maxLength: 4 }), constraints: fc.array(allowedConstraint, { maxLength: 4 }) });

describe('admission at the agent over generated variants', () => {
  it('refuses every forbidden form before it talks to Docker, and creates nothing (fake Docker port)', async () => {
    console.info(`agent admission property: seed ${seed} (replay with BERTH_PROPERTY_SEED=${seed})`);
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    await fc.assert(
      fc.asyncProperty(forbidden, async (patch) => {
        await expect(upsertService(docker, desired(patch), casePolicy)).rejects.toBeInstanceOf(AdmissionRefused);
      }),
      { seed, numRuns: 300 },
    );
    expect(docker.services.size).toBe(0);
  });

  it('admits the Engine spec it builds from every allowed variant (no over-blocking)', () => {
    fc.assert(
      fc.property(allowed, ({ image, mounts, constraints }) => {
        expect(checkEngineServiceSpec(built({ image, mounts, placement: { constraints } }), enginePolicy)).toEqual([]);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('refuses every forbidden form on the final Engine spec even when the tenant-spec check is bypassed', () => {
    fc.assert(
      fc.property(forbidden, (patch) => {
        // What a translation bug would send if buildServiceSpec passed the forbidden form through.
        const spec = built({});
        const cs = spec.TaskTemplate.ContainerSpec as Record<string, unknown>;
        if ('image' in patch) cs['Image'] = patch.image;
        if ('placement' in patch) spec.TaskTemplate.Placement = { Constraints: patch.placement.constraints };
        if ('mounts' in patch) {
          cs['Mounts'] = patch.mounts.map((m) => ({
            Type: m.type,
            Source: m.type === 'volume' ? `${enginePolicy.volumePrefix}${m.source ?? 'v'}` : (m.source ?? ''),
            Target: m.target,
            ...(m.type === 'tmpfs' || m.sizeMb !== undefined ? { TmpfsOptions: { SizeBytes: (m.sizeMb ?? 1) * 1024 * 1024 } } : {}),
            ...(m.type === 'volume' || m.volumeOptions ? { VolumeOptions: { DriverConfig: { Name: m.volumeOptions?.driver ?? 'local', Options: m.volumeOptions?.driverOptions ?? {} } } } : {}),
          }));
          // A path or an odd name as the volume source itself.
          const bad = patch.mounts.at(-1);
          if (bad?.type === 'volume' && bad.source !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(bad.source)) (cs['Mounts'] as Record<string, unknown>[]).at(-1)!['Source'] = bad.source;
        }
        expect(checkEngineServiceSpec(spec, enginePolicy).length).toBeGreaterThan(0);
      }),
      { seed, numRuns: 300 },
    );
  });
});
