import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputWorld, snapshot, type InputWorld } from './input-fixture.ts';

describe('a body that is not JSON', () => {
  let w: InputWorld;
  beforeAll(async () => {
    w = await inputWorld();
  });
  afterAll(() => w.h.close());

  const broken = ['{"name": ', '{name: "x"}', "{'name': 'x'}", '{"name": "x",}', 'nul', '"unterminated'];

  it.each(broken)('answers 400 MALFORMED_JSON on every body route for %j, changing nothing', async (raw) => {
    for (const r of w.routes) {
      const before = await snapshot(w.h);
      const res = await w.h.call(r.method, r.path, { ...r.as, rawBody: raw, headers: { 'content-type': 'application/json' } });
      expect([r.name, res.status]).toEqual([r.name, 400]);
      expect(await res.json()).toMatchObject({ error: { code: 'MALFORMED_JSON', requestId: expect.any(String) } });
      expect(await snapshot(w.h)).toEqual(before);
    }
  });
});
