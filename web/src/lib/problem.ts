import './zod-csp.ts';
import { ErrorEnvelope, FieldIssue } from '@berth/protocol';
import { z } from 'zod';

/**
 * A failed request as the UI keeps it: plain data (Qwik serializes stores), the stable code to
 * branch on, the server's human message, the request id to quote, and field issues.
 */
export interface Problem {
  status: number;
  code: string;
  message: string;
  requestId: string | null;
  fields: FieldIssue[];
}

/** Thrown by the API client; `problem` is what views keep. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

const Fields = z.array(FieldIssue);
// better-auth's own endpoints answer `{ code?, message }` instead of the Berth envelope.
const AuthLibraryError = z.object({ code: z.string().optional(), message: z.string() });

/** Reads an error body of any shape the edge produces into a Problem. */
export function problemFrom(status: number, body: unknown): Problem {
  const env = ErrorEnvelope.safeParse(body);
  if (env.success) {
    const fields = Fields.safeParse(env.data.error.details);
    return { status, code: env.data.error.code, message: env.data.error.message, requestId: env.data.error.requestId, fields: fields.success ? fields.data : [] };
  }
  const lib = AuthLibraryError.safeParse(body);
  if (lib.success) return { status, code: lib.data.code ?? (status === 401 ? 'UNAUTHENTICATED' : 'FAILED'), message: lib.data.message, requestId: null, fields: [] };
  return { status, code: status >= 500 ? 'INTERNAL' : 'FAILED', message: `the server answered ${status}`, requestId: null, fields: [] };
}

/** Any thrown value as a Problem (network failures get code NETWORK). */
export function toProblem(err: unknown): Problem {
  if (err instanceof ApiError) return err.problem;
  return { status: 0, code: 'NETWORK', message: err instanceof Error ? err.message : 'the request failed', requestId: null, fields: [] };
}

/** A value that loads: exactly one of loading, ready or error at a time. */
export type Loadable<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; problem: Problem };

/** Awaits `p` into a Loadable (never throws). */
export async function settle<T>(p: Promise<T>): Promise<Loadable<T>> {
  try {
    return { state: 'ready', data: await p };
  } catch (err) {
    return { state: 'error', problem: toProblem(err) };
  }
}
