import { errors, jwtVerify, type CryptoKey } from 'jose';
import { CLOCK_TOLERANCE_S, COMMAND_TYP, CommandClaims, EDGE_ISSUER, MAX_COMMAND_AGE_S, SIGNING_ALG } from '@berth/protocol';
import { CommandRejected } from '../errors.ts';

/** What a command must be checked against. */
export interface VerifyOptions {
  /** The pinned edge public key. */
  edgeKey: CryptoKey;
  /** This agent's id: the only accepted audience. */
  agentId: string;
  /** For tests: the verification time. */
  currentDate?: Date;
}

/**
 * Verifies a command JWS in two steps: jose checks the envelope (EdDSA only, `typ`, issuer,
 * audience = this agent, age ≤ MAX_COMMAND_AGE_S, required jti/iat/exp/sub), then zod checks the
 * claims and the command. Throws CommandRejected; the caller then applies the replay guard.
 */
export async function verifyCommand(jws: string, opts: VerifyOptions): Promise<CommandClaims> {
  let payload: unknown;
  try {
    const verified = await jwtVerify(jws, opts.edgeKey, {
      algorithms: [SIGNING_ALG],
      typ: COMMAND_TYP,
      issuer: EDGE_ISSUER,
      audience: opts.agentId,
      maxTokenAge: MAX_COMMAND_AGE_S,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['jti', 'iat', 'exp', 'sub'],
      ...(opts.currentDate ? { currentDate: opts.currentDate } : {}),
    });
    payload = verified.payload;
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw new CommandRejected('COMMAND_EXPIRED', 'command expired', { cause: e });
    if (e instanceof errors.JWTClaimValidationFailed) throw new CommandRejected('COMMAND_CLAIMS_INVALID', `command claim ${e.claim} ${e.reason}`, { cause: e });
    if (e instanceof errors.JOSEError) throw new CommandRejected('COMMAND_SIGNATURE_INVALID', `command envelope refused (${e.code})`, { cause: e });
    throw new CommandRejected('COMMAND_SIGNATURE_INVALID', 'command envelope refused', { cause: e });
  }
  const claims = CommandClaims.safeParse(payload);
  if (!claims.success) {
    const where = claims.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new CommandRejected('COMMAND_MALFORMED', `command claims invalid at ${where}`, { cause: claims.error });
  }
  return claims.data;
}
