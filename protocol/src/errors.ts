import { z } from 'zod';

/**
 * Stable error codes. Clients branch on these, never on messages.
 * Add new codes at the end of a group; never rename or reuse one.
 */
export const ErrorCode = z.enum([
  // request shape
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  // identity and access
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ORIGIN_NOT_TRUSTED',
  'NOT_FOUND',
  'ACCOUNT_DEACTIVATED',
  'TOKEN_SCOPE_MISMATCH',
  'REGISTRATION_CLOSED',
  'REGISTRATION_INVITE_ONLY',
  'EMAIL_NOT_VERIFIED',
  // state rules
  'CONFLICT',
  'SLUG_TAKEN',
  'LAST_OWNER',
  'SELF_DEACTIVATION',
  'ROLE_ESCALATION',
  'ALREADY_MEMBER',
  'INVITATION_EXPIRED',
  'INVITATION_EMAIL_MISMATCH',
  'REQUEST_ALREADY_DECIDED',
  'TENANT_DELETING',
  'SETUP_ALREADY_DONE',
  'SETUP_TOKEN_INVALID',
  'QUOTA_EXCEEDED',
  'IDEMPOTENCY_KEY_REUSED',
  'SECRET_ALREADY_SHOWN',
  // agent services and clusters
  'ADMISSION_DENIED',
  'JOIN_TOKEN_INVALID',
  'NO_CLUSTER',
  'AGENT_UNAVAILABLE',
  'COMMAND_FAILED',
  'CLUSTER_LIMIT',
  'JOIN_TOKEN_LIMIT',
  // platform
  'AUDIT_WRITE_FAILED',
  'RATE_LIMITED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One field-level problem inside a VALIDATION_FAILED error. */
export const FieldIssue = z.object({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

/** The one error envelope every Berth HTTP error uses. */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    requestId: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
