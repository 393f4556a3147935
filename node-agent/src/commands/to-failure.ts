import type { CommandResult } from '@berth/protocol';
import { AdmissionRefused, AgentError } from '../errors.ts';

/** Turns a thrown value into a failed CommandResult; unknown errors become INTERNAL without details. */
export function toFailure(e: unknown): Extract<CommandResult, { ok: false }> {
  if (e instanceof AdmissionRefused) return { ok: false, error: { code: e.code, message: e.message, violations: e.violations } };
  if (e instanceof AgentError) return { ok: false, error: { code: e.code, message: e.message } };
  return { ok: false, error: { code: 'INTERNAL', message: 'internal agent error' } };
}
