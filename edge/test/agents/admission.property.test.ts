import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedConstraint, allowedImage, allowedMount, casePolicy, forbiddenConstraint, forbiddenImage, forbiddenOtherMount, forbiddenVolumeMount, propertySeed } from '@berth/protocol/testing';
import { createHarness, type Harness } from '../support/harness.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

const MEMORY_MB = 64;
const seed = propertySeed(process.env);

/** Generated spec variants through the real API: no forbidden form is stored or queued; every allowed one is. */
describe('admission at the edge over generated variants', () => {
  let h: Harness;
  let owner: Caller;
  const slug = 'admission-prop';
  const base = { image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: MEMORY_MB } };
  const counts = async () => (await h.client.execute('SELECT (SELECT count(*) FROM agent_service) AS s, (SELECT count(*) FROM command) AS c')).rows[0];

  beforeAll(async () => {
    h = await createHarness();
    const admin = await h.setupAdmin();
    const { allowedRegistries, allowedPlacementLabels, volumeDriver } = casePolicy;
    await h.json('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared', allowedRegistries, allowedPlacementLabels, volumeDriver } });
    owner = await h.signUp('admission-prop@example.com');
    await h.json('POST', `/api/v1/tenants`, 201, { cookie: owner.cookie, body: { name: 'Admission property', slug } });
  });
  afterAll(() => h.close());

  it('refuses every forbidden volume, mount, placement and image form, and stores nothing', async () => {
    console.info(`edge admission property: seed ${seed} (replay with BERTH_PROPERTY_SEED=${seed})`);
    const forbidden = fc.oneof(
      fc.tuple(fc.oneof(forbiddenVolumeMount, forbiddenOtherMount(MEMORY_MB)), fc.array(allowedMount(MEMORY_MB), { maxLength: 2 })).map(([bad, ok]) => ({ mounts: [...ok, bad] })),
      fc.tuple(forbiddenConstraint, fc.array(allowedConstraint, { maxLength: 2 })).map(([bad, ok]) => ({ placement: { constraints: [...ok, bad] } })),
      forbiddenImage.map((image) => ({ image })),
    );
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(forbidden, async (extra) => {
        const res = await h.call('POST', `/api/v1/tenants/${slug}/agents`, { cookie: owner.cookie, body: { name: 'forbidden', ...base, ...extra } });
        const body = (await res.json()) as { error?: { code: string } };
        // 422 when admission refuses; 400 when the schema already refuses the form (e.g. a malformed image reference).
        expect([res.status, body.error?.code]).toSatisfy(([s, c]) => (s === 422 && c === 'ADMISSION_DENIED') || (s === 400 && c === 'VALIDATION_FAILED'));
      }),
      { seed, numRuns: 300 },
    );
    expect(await counts()).toEqual(before);
  });

  it('admits every allowed combination of image, volumes, tmpfs and placement', async () => {
    await h.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'allowed', ...base } });
    const allowed = fc.record({ image: allowedImage, mounts: fc.array(allowedMount(MEMORY_MB), { maxLength: 3 }), constraints: fc.array(allowedConstraint, { maxLength: 3 }) });
    await fc.assert(
      fc.asyncProperty(allowed, async ({ image, mounts, constraints }) => {
        await h.json('PATCH', `/api/v1/tenants/${slug}/agents/allowed`, 202, { cookie: owner.cookie, body: { image, mounts, placement: { constraints } } });
      }),
      { seed, numRuns: 60 },
    );
  });
});
