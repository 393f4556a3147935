import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { EnrollRequest } from '@berth/protocol';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { StateFile } from '../state/state-file.ts';
import { enroll } from './enroll.ts';

async function edgeKey() {
  const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const pub = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: jwk.x ?? '' };
  return { jwk: pub, thumbprint: await calculateJwkThumbprint(pub, 'sha256') };
}

async function setup(answerKey: { jwk: object }, pinned: string) {
  const stateFile = new StateFile(await mkdtemp(join(tmpdir(), 'berth-enroll-')));
  const requests: unknown[] = [];
  const fakeFetch: typeof fetch = async (_url, init) => {
    requests.push(EnrollRequest.parse(JSON.parse(String(init?.body))));
    return Response.json({ agentId: 'agent-1', clusterId: 'cluster-1', edgePublicKeyJwk: answerKey.jwk, edgeKid: 'edge-k1', connectUrl: 'ws://127.0.0.1:9/agent' });
  };
  const input = { edgeUrl: 'http://127.0.0.1:9', token: `bj1.${'s'.repeat(32)}.${pinned}`, hostname: 'node-a', agentVersion: '0.1.0', docker: new FakeDockerPort(), stateFile, fetch: fakeFetch };
  return { input, stateFile, requests };
}

describe('enroll', () => {
  it('pins the edge key whose thumbprint the token names and saves the state', async () => {
    const key = await edgeKey();
    const { input, stateFile, requests } = await setup(key, key.thumbprint);
    const state = await enroll(input);
    expect(state).toMatchObject({ agentId: 'agent-1', clusterId: 'cluster-1', edgePublicKeyJwk: key.jwk, lastSeq: 0 });
    expect(requests[0]).toMatchObject({ hostname: 'node-a', swarmNodeId: 'fake-node', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519' } });
    expect(await stateFile.load()).toEqual(state);
  });

  it('refuses an edge key with another thumbprint and writes nothing', async () => {
    const key = await edgeKey();
    const other = await edgeKey();
    const { input, stateFile } = await setup(other, key.thumbprint);
    await expect(enroll(input)).rejects.toMatchObject({ code: 'ENROLL_THUMBPRINT_MISMATCH' });
    expect(await stateFile.load()).toBeUndefined();
  });

  it('refuses a malformed token before any request', async () => {
    const key = await edgeKey();
    const { input, requests } = await setup(key, key.thumbprint);
    await expect(enroll({ ...input, token: 'hello' })).rejects.toMatchObject({ code: 'ENROLL_BAD_TOKEN' });
    expect(requests).toHaveLength(0);
  });

  it('reports the edge error code when enrollment is refused', async () => {
    const key = await edgeKey();
    const { input } = await setup(key, key.thumbprint);
    const refuse: typeof fetch = async () => Response.json({ error: { code: 'UNAUTHENTICATED', message: 'bad token', requestId: 'r1' } }, { status: 401 });
    await expect(enroll({ ...input, fetch: refuse })).rejects.toMatchObject({ code: 'ENROLL_REJECTED', message: 'edge refused enrollment (UNAUTHENTICATED)' });
  });
});
