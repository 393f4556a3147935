import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeServer, type NodeServer } from '../../src/adapters/node-server.ts';
import { createMemoryLogger } from '../../src/logger.ts';

/**
 * better-auth rate-limits per client address. On the real Node server that address must be the
 * socket peer Berth resolved, never a client-supplied X-Forwarded-For: rotating that header
 * would otherwise buy unlimited password and second-factor guesses.
 */
describe("better-auth's rate limits on the real Node server", () => {
  let dir: string;
  let server: NodeServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-client-address-'));
    server = await startNodeServer(
      { PORT: '0', BERTH_DATABASE_URL: `file:${join(dir, 'berth.db')}`, BERTH_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789', BERTH_SETUP_TOKEN: 'test-setup-token-0123456789' },
      { logger: createMemoryLogger() },
    );
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A second-factor attempt without a challenge (401), from a chosen loopback address. */
  const guess = (from: string, forwardedFor: string) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ code: '123456' });
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          localAddress: from,
          method: 'POST',
          path: '/api/auth/two-factor/verify-totp',
          headers: { origin: server.url, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': forwardedFor },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('ignores a rotating X-Forwarded-For from one peer', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) statuses.push(await guess('127.0.0.2', `203.0.113.${i}`));
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('counts each peer on its own', async () => {
    for (let i = 0; i < 3; i++) expect(await guess('127.0.0.2', '203.0.113.1')).toBe(401);
    expect(await guess('127.0.0.2', '203.0.113.1')).toBe(429);
    expect(await guess('127.0.0.3', '203.0.113.1')).toBe(401);
  });
});
