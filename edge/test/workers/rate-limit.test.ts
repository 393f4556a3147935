import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '@berth/protocol';
import { startWorker, type WorkerHarness } from './worker-harness.ts';

/** Rate limits on Workers count in a RateLimiter Durable Object per bucket. */
describe('rate limits on Workers (workerd, Durable Objects)', () => {
  let w: WorkerHarness;
  beforeAll(async () => {
    w = await startWorker({ BERTH_RATE_LIMIT_ANONYMOUS: '3', BERTH_RATE_LIMIT_WINDOW_SECONDS: '2' });
  });
  afterAll(() => w?.close());

  it('answers 429 with Retry-After past the limit, and lets the caller in again after the window', async () => {
    for (let i = 0; i < 3; i++) expect((await w.call('GET', '/api/v1/setup')).status).toBe(200);
    const limited = await w.call('GET', '/api/v1/setup');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(ErrorEnvelope.parse(await limited.json()).error.code).toBe('RATE_LIMITED');
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await w.call('GET', '/api/v1/setup')).status).toBe(200);
  });
});
