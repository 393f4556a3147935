import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHarness, type Harness } from '../support/harness.ts';

describe('refused anonymous requests', () => {
  let h: Harness;
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  beforeEach(async () => {
    h = await createHarness({}, { now: () => new Date(nowMs) });
  });
  afterEach(() => h.close());

  const chainLength = async () => Number((await h.client.execute('SELECT count(*) AS n FROM audit_log')).rows[0]?.n);
  const LogLine = z.looseObject({ msg: z.string() });
  const summaries = () => h.logger.lines.map((l) => LogLine.parse(JSON.parse(l))).filter((l) => l.msg === 'anonymous requests refused');

  it('are counted and summed up in one log line a minute, never chained one row each', async () => {
    const before = await chainLength();
    for (let i = 0; i < 5; i++) expect((await h.call('POST', '/api/v1/tenants', { body: { name: 'X', slug: 'xyz' } })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await h.call('POST', '/api/v1/setup', { body: { token: 'wrong-token-0123456789', email: 'a@b.test', password: 'whatever-123', name: 'A' } })).status).toBe(403);
    for (let i = 0; i < 2; i++) expect((await h.signIn('nobody@berth.test', 'wrong-password-1')).status).toBe(401);
    expect(await chainLength()).toBe(before);
    expect(summaries()).toEqual([]);

    nowMs += 60_000;
    expect((await h.call('POST', '/api/v1/tenants', { body: { name: 'X', slug: 'xyz' } })).status).toBe(401);
    expect(summaries()).toEqual([expect.objectContaining({ total: 10, byCode: { UNAUTHENTICATED: 5, SETUP_TOKEN_INVALID: 3, AUTH_401: 2 } })]);
    expect(await chainLength()).toBe(before);
  });
});
