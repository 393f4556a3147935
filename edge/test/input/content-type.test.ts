import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputWorld, snapshot, type InputWorld } from './input-fixture.ts';

describe('a body that is not sent as JSON', () => {
  let w: InputWorld;
  beforeAll(async () => {
    w = await inputWorld();
  });
  afterAll(() => w.h.close());

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x'], ['application/jsonp'], ['']])(
    'answers 415 UNSUPPORTED_MEDIA_TYPE for content type %j on every body route, changing nothing',
    async (type) => {
      for (const r of w.routes) {
        const before = await snapshot(w.h);
        const res = await w.h.call(r.method, r.path, { ...r.as, rawBody: JSON.stringify(r.valid), headers: { 'content-type': type } });
        expect([r.name, res.status]).toEqual([r.name, 415]);
        expect(await res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
        expect(await snapshot(w.h)).toEqual(before);
      }
    },
  );

  it('accepts the same bodies as application/json with a charset', async () => {
    const r = w.routes.find((x) => x.name === 'patch tenant');
    const res = await w.h.call('PATCH', r!.path, { ...r!.as, rawBody: JSON.stringify(r!.valid), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(res.status).toBe(200);
  });
});
