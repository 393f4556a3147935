import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAdmission } from './admission.ts';
import { AgentServiceSpec, type MountSpec } from './agent-service-spec.ts';
import { allowedConstraint, allowedImage, allowedMount, casePolicy, forbiddenConstraint, forbiddenImage, forbiddenOtherMount, forbiddenVolumeMount, managerConstraint, propertySeed } from './testing/admission-cases.ts';

const MEMORY_MB = 64;
const base = AgentServiceSpec.parse({ name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.5, memoryMb: MEMORY_MB } });
const seed = propertySeed(process.env);
const runs = { seed, numRuns: 400 };

/** A spec carrying the generated parts (set after parsing: the schema would already refuse some image forms). */
const withParts = (p: { image?: string; mounts?: MountSpec[]; constraints?: string[] }): AgentServiceSpec => ({
  ...base,
  ...(p.image !== undefined ? { image: p.image } : {}),
  ...(p.mounts ? { mounts: p.mounts } : {}),
  ...(p.constraints ? { placement: { constraints: p.constraints } } : {}),
});

describe('checkAdmission over generated variants', () => {
  it('admits none of the forbidden volume, mount, placement or image forms, alone or among allowed ones', () => {
    console.info(`admission property: seed ${seed} (replay with BERTH_PROPERTY_SEED=${seed})`);
    const forbidden = fc.oneof(
      fc.tuple(fc.oneof(forbiddenVolumeMount, forbiddenOtherMount(MEMORY_MB)), fc.array(allowedMount(MEMORY_MB), { maxLength: 3 })).map(([bad, ok]) => ({ mounts: [...ok, bad], code: 'mount' })),
      fc.tuple(forbiddenConstraint, fc.array(allowedConstraint, { maxLength: 3 })).map(([bad, ok]) => ({ constraints: [bad, ...ok], code: 'placement' })),
      forbiddenImage.map((image) => ({ image, code: 'image' })),
    );
    fc.assert(
      fc.property(forbidden, (parts) => {
        const violations = checkAdmission(withParts(parts), casePolicy);
        expect(violations.length).toBeGreaterThan(0);
        if (parts.code === 'image') expect(violations.map((v) => v.code)).toEqual(['POLICY_REGISTRY']);
        if (parts.code === 'placement') expect(violations.every((v) => v.code === 'POLICY_PLACEMENT' || v.code === 'POLICY_MANAGER_PLACEMENT')).toBe(true);
      }),
      runs,
    );
  });

  it('refuses every spelling of manager placement as such, and admits only the canonical spelling when the policy allows it', () => {
    const allowing = { ...casePolicy, allowManagerPlacement: true };
    fc.assert(
      fc.property(managerConstraint, (c) => {
        expect(checkAdmission(withParts({ constraints: [c] }), casePolicy).map((v) => v.code)).toEqual(['POLICY_MANAGER_PLACEMENT']);
        const canonical = c === c.toLowerCase() && c === c.trim();
        expect(checkAdmission(withParts({ constraints: [c] }), allowing).length === 0).toBe(canonical);
      }),
      runs,
    );
  });

  it('admits every allowed combination of image, volumes, tmpfs and placement', () => {
    const allowed = fc.record({
      image: allowedImage,
      mounts: fc.array(allowedMount(MEMORY_MB), { maxLength: 4 }),
      constraints: fc.array(allowedConstraint, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(allowed, (parts) => {
        const spec = withParts(parts);
        expect(AgentServiceSpec.safeParse(spec).success).toBe(true);
        expect(checkAdmission(spec, casePolicy)).toEqual([]);
      }),
      runs,
    );
  });
});
