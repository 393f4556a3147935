import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentState } from './agent-state.ts';
import { StateFile } from './state-file.ts';

const key = 'A'.repeat(43);
function state(lastSeq: number): AgentState {
  return {
    version: 1,
    agentId: 'agent-1',
    clusterId: 'cluster-1',
    edgeUrl: 'http://127.0.0.1:1',
    connectUrl: 'ws://127.0.0.1:1/agent',
    privateKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: key, d: key },
    edgePublicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: key },
    edgeKid: 'edge-1',
    lastSeq,
    applied: [{ jti: 'cmd-00001', seq: lastSeq, at: 1, result: { ok: true } }],
  };
}

describe('StateFile', () => {
  it('returns undefined before enrollment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    expect(await new StateFile(dir).load()).toBeUndefined();
  });

  it('round-trips the state with mode 0600 and leaves no temp files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    const file = new StateFile(dir);
    await Promise.all([file.save(state(1)), file.save(state(2)), file.save(state(3))]);
    expect((await file.load())?.lastSeq).toBe(3);
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['agent-state.json']);
  });

  it('refuses a corrupt file with STATE_CORRUPT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    const file = new StateFile(dir);
    await writeFile(file.path, '{"version":1}');
    await expect(file.load()).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
    await writeFile(file.path, 'not json');
    await expect(file.load()).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
    expect(await readFile(file.path, 'utf8')).toBe('not json');
  });
});
