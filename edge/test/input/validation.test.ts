import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorEnvelope, FieldIssue } from '@berth/protocol';
import { inputWorld, snapshot, type InputWorld } from './input-fixture.ts';

/** Per route: a change to its valid body that breaks one field, and the field the answer must name. */
const WRONG: Record<string, [Record<string, unknown>, string][]> = {
  'create tenant': [
    [{ name: 42 }, 'name'],
    [{ slug: 'Not A Slug!' }, 'slug'],
    [{ name: '' }, 'name'],
  ],
  'patch tenant': [
    [{ name: 42 }, 'name'],
    [{ accentColor: 'red' }, 'accentColor'],
    [{ logoUrl: 'http://insecure.example/logo.png' }, 'logoUrl'],
    [{ slug: null }, 'slug'],
  ],
  'patch member': [[{ role: 'superuser' }, 'role']],
  'create invitation': [
    [{ email: 'not-an-email' }, 'email'],
    [{ expiresInHours: '24' }, 'expiresInHours'],
    [{ expiresInHours: 10_000 }, 'expiresInHours'],
  ],
  'ask to join': [[{ message: 5 }, 'message']],
  'approve join request': [[{ role: 7 }, 'role']],
  'create token': [
    [{ expiresInDays: 0 }, 'expiresInDays'],
    [{ role: ['admin'] }, 'role'],
  ],
  'put quota': [
    [{ maxAgentServices: -1 }, 'maxAgentServices'],
    [{ maxCpuCores: '2' }, 'maxCpuCores'],
    [{ maxMemoryMb: 1.5 }, 'maxMemoryMb'],
  ],
  setup: [
    [{ token: 'short' }, 'token'],
    [{ password: 'x' }, 'password'],
  ],
};

const Refusal = ErrorEnvelope.extend({ error: ErrorEnvelope.shape.error.extend({ code: z.literal('VALIDATION_FAILED'), details: z.array(FieldIssue).min(1) }) });

describe('a body with fields of the wrong type or shape', () => {
  let w: InputWorld;
  beforeAll(async () => {
    w = await inputWorld();
  });
  afterAll(() => w.h.close());

  it('has cases for every body route', () => {
    expect(Object.keys(WRONG).sort()).toEqual(w.routes.map((r) => r.name).sort());
  });

  it('answers 400 VALIDATION_FAILED naming the field, and changes nothing', async () => {
    for (const r of w.routes) {
      for (const [patch, field] of WRONG[r.name] ?? []) {
        const before = await snapshot(w.h);
        const res = await w.h.call(r.method, r.path, { ...r.as, body: { ...r.valid, ...patch } });
        const label = `${r.name} ${JSON.stringify(patch)}`;
        expect([label, res.status]).toEqual([label, 400]);
        const { error } = Refusal.parse(await res.json());
        expect(error.details.map((d) => d.path), label).toContain(field);
        expect(await snapshot(w.h)).toEqual(before);
      }
    }
  });

  it.each([['[]'], ['"a string"'], ['42'], ['null'], ['true']])('answers 400 VALIDATION_FAILED to the JSON value %s instead of an object', async (raw) => {
    for (const r of w.routes) {
      const before = await snapshot(w.h);
      const res = await w.h.call(r.method, r.path, { ...r.as, rawBody: raw, headers: { 'content-type': 'application/json' } });
      expect([r.name, res.status]).toEqual([r.name, 400]);
      expect(Refusal.parse(await res.json()).error.details.length).toBeGreaterThan(0);
      expect(await snapshot(w.h)).toEqual(before);
    }
  });
});
