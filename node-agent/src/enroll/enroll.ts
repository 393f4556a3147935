import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { ENROLL_PATH, EnrollRequest, EnrollResponse, ErrorEnvelope, parseJoinToken } from '@berth/protocol';
import type { DockerPort } from '../docker/docker-port.ts';
import { EnrollmentError } from '../errors.ts';
import { PrivateEd25519Jwk, type AgentState } from '../state/agent-state.ts';
import type { StateFile } from '../state/state-file.ts';

/** Inputs of `enroll`. */
export interface EnrollInput {
  edgeUrl: string;
  token: string;
  hostname: string;
  agentVersion: string;
  docker: DockerPort;
  stateFile: StateFile;
  fetch?: typeof fetch;
}

/**
 * Enrolls this node with the edge: generates the agent key pair, POSTs `EnrollRequest`, and pins
 * the edge key only if its RFC 7638 thumbprint equals the one in the join token (no trust on first
 * use). Writes the state file last, so a refused enrollment leaves nothing behind.
 */
export async function enroll(input: EnrollInput): Promise<AgentState> {
  const token = parseJoinToken(input.token);
  if (!token) throw new EnrollmentError('ENROLL_BAD_TOKEN', 'not a Berth join token (bj1.<secret>.<thumbprint>)');
  if (await input.stateFile.load()) throw new EnrollmentError('ALREADY_ENROLLED', `already enrolled (${input.stateFile.path}); remove it to enroll again`);
  const swarm = await input.docker.swarmInfo();
  if (!swarm.isManager) throw new EnrollmentError('ENROLL_NOT_MANAGER', 'the agent must run on a Swarm manager');

  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = PrivateEd25519Jwk.parse(await exportJWK(privateKey));
  const body = EnrollRequest.parse({
    token: input.token,
    publicKeyJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x },
    hostname: input.hostname.slice(0, 253) || 'unknown',
    swarmNodeId: swarm.nodeId,
    agentVersion: input.agentVersion,
  });

  const url = new URL(ENROLL_PATH, input.edgeUrl);
  let res: Response;
  try {
    res = await (input.fetch ?? fetch)(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new EnrollmentError('ENROLL_UNREACHABLE', `cannot reach ${url.origin}`, { cause: e });
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const envelope = ErrorEnvelope.safeParse(json);
    const code = envelope.success ? envelope.data.error.code : `HTTP_${res.status}`;
    throw new EnrollmentError('ENROLL_REJECTED', `edge refused enrollment (${code})`);
  }
  const parsed = EnrollResponse.safeParse(json);
  if (!parsed.success) throw new EnrollmentError('ENROLL_BAD_RESPONSE', 'edge answered with an invalid enrollment response');
  const answer = parsed.data;

  const thumbprint = await calculateJwkThumbprint(answer.edgePublicKeyJwk, 'sha256');
  if (thumbprint !== token.edgeKeyThumbprint) {
    throw new EnrollmentError('ENROLL_THUMBPRINT_MISMATCH', 'the edge key does not match the join token; refusing to enroll');
  }
  const state: AgentState = {
    version: 1,
    agentId: answer.agentId,
    clusterId: answer.clusterId,
    edgeUrl: input.edgeUrl,
    connectUrl: answer.connectUrl,
    privateKeyJwk: privateJwk,
    edgePublicKeyJwk: answer.edgePublicKeyJwk,
    edgeKid: answer.edgeKid,
    lastSeq: 0,
    applied: [],
  };
  await input.stateFile.save(state);
  return state;
}
