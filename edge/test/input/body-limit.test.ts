import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputWorld, snapshot, type InputWorld } from './input-fixture.ts';

/** `{"name":"Padded"}` followed by spaces (still valid JSON) to exactly `bytes` bytes. */
const padded = (bytes: number) => {
  const body = '{"name":"Padded"}';
  return body + ' '.repeat(bytes - body.length);
};

describe('request bodies over the size limit', () => {
  describe('with the default limit of 64 KiB', () => {
    let w: InputWorld;
    beforeAll(async () => {
      w = await inputWorld();
    });
    afterAll(() => w.h.close());

    it('accepts a body of exactly 64 KiB', async () => {
      const r = w.routes.find((x) => x.name === 'patch tenant');
      const res = await w.h.call('PATCH', r!.path, { ...r!.as, rawBody: padded(64 * 1024), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
    });

    it('answers 413 PAYLOAD_TOO_LARGE one byte over, on every body route, changing nothing', async () => {
      for (const r of w.routes) {
        const before = await snapshot(w.h);
        const res = await w.h.call(r.method, r.path, { ...r.as, rawBody: padded(64 * 1024 + 1), headers: { 'content-type': 'application/json' } });
        expect([r.name, res.status]).toEqual([r.name, 413]);
        expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
        expect(await snapshot(w.h)).toEqual(before);
      }
    });

    it('answers 413 to a streamed body that declares no length', async () => {
      const r = w.routes.find((x) => x.name === 'patch tenant');
      const before = await snapshot(w.h);
      const chunk = new TextEncoder().encode(padded(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 5) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await w.h.app.request(r!.path, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie: r!.as.cookie ?? '', origin: 'http://localhost:8787' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await snapshot(w.h)).toEqual(before);
    });
  });

  describe('with BERTH_MAX_BODY_BYTES=2048', () => {
    let w: InputWorld;
    beforeAll(async () => {
      w = await inputWorld({ BERTH_MAX_BODY_BYTES: '2048' });
    });
    afterAll(() => w.h.close());

    it('follows the configured limit', async () => {
      const r = w.routes.find((x) => x.name === 'patch tenant');
      const call = (bytes: number) => w.h.call('PATCH', r!.path, { ...r!.as, rawBody: padded(bytes), headers: { 'content-type': 'application/json' } });
      expect((await call(2048)).status).toBe(200);
      const before = await snapshot(w.h);
      expect((await call(2049)).status).toBe(413);
      expect(await snapshot(w.h)).toEqual(before);
    });
  });
});
