import './zod-csp.ts';
import type { z } from 'zod';
import type { FieldIssue } from '@berth/protocol';

/** Field path → first message, from a shared zod-4 schema (the same one the API uses). */
export type FieldErrors = Record<string, string>;

/** Validates `value` with `schema`; answers the parsed data or the messages by dotted path. */
export function check<S extends z.ZodType>(schema: S, value: unknown): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.') || 'form';
    errors[path] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The server's VALIDATION_FAILED details in the same shape. */
export function serverFieldErrors(fields: FieldIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const f of fields) errors[f.path || 'form'] ??= f.message;
  return errors;
}
