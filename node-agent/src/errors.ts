import type { Violation } from '@berth/protocol';

/**
 * Agent errors carry a stable `code` (what callers branch on) and a human message without secrets.
 * `name` is the concrete class name, as in panva/jose.
 */
export class AgentError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Docker Engine failures, classified by HTTP status: 404 NOT_FOUND, 409 CONFLICT, no answer DOCKER_UNAVAILABLE. */
export class DockerError extends AgentError {
  readonly statusCode: number | undefined;

  constructor(code: 'NOT_FOUND' | 'CONFLICT' | 'DOCKER_UNAVAILABLE' | 'DOCKER_ERROR', message: string, statusCode?: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}

/** Why a command frame was not executed (signature, claims, replay). Never answered with a result. */
export type RejectionCode =
  | 'COMMAND_SIGNATURE_INVALID'
  | 'COMMAND_EXPIRED'
  | 'COMMAND_CLAIMS_INVALID'
  | 'COMMAND_MALFORMED'
  | 'COMMAND_STALE_SEQ';

/** A command refused before execution. */
export class CommandRejected extends AgentError {
  constructor(code: RejectionCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Enrollment refused or failed (`ENROLL_THUMBPRINT_MISMATCH`, `ENROLL_REJECTED`, `ENROLL_UNREACHABLE`, `ENROLL_BAD_RESPONSE`). */
export class EnrollmentError extends AgentError {}

/** Agent state file missing or unreadable (`STATE_MISSING`, `STATE_CORRUPT`). */
export class StateError extends AgentError {}

/** Invalid configuration (`CONFIG_INVALID`). */
export class ConfigError extends AgentError {}

/** Message of an unknown thrown value, for logs only. */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Code of an unknown thrown value. */
export function errorCode(e: unknown): string {
  return e instanceof AgentError ? e.code : 'INTERNAL';
}

/** Admission refused a spec; `code` is the first violation's code, `violations` lists them all. */
export class AdmissionRefused extends AgentError {
  readonly violations: Violation[];

  constructor(violations: Violation[]) {
    const first = violations[0];
    super(first?.code ?? 'POLICY_MALFORMED_SPEC', violations.map((v) => `${v.path}: ${v.message}`).join('; ') || 'refused by admission policy');
    this.violations = violations;
  }
}
