import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import type { ErrorCode } from '@berth/protocol';
import { sqliteCode } from '@berth/db';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RefusalTally } from '../audit/refusal-tally.ts';
import { isMutating } from '../permissions.ts';

function envelope(c: Context<AppEnv>, status: ContentfulStatusCode, code: ErrorCode, message: string, details?: unknown, headers?: Record<string, string>) {
  return c.json(
    { error: { code, message, requestId: c.get('requestId') ?? 'unknown', ...(details === undefined ? {} : { details }) } },
    status,
    headers,
  );
}

/**
 * The one error boundary. Known errors render their status and code; anything else is logged
 * once (name and code only: driver messages can carry SQL parameters) and answered as a bare 500.
 * Refused anonymous writes are counted in `refusals` (the audit chain records signed-in callers).
 */
export function errorHandler(logger: Logger, refusals?: RefusalTally): ErrorHandler<AppEnv> {
  return (err, c) => {
    if (err instanceof AppError) {
      if (err.status >= 500) logger.error('request failed', { requestId: c.get('requestId'), code: err.code, cause: describe(err.cause) });
      else if ((c.get('actor')?.kind ?? 'anonymous') === 'anonymous' && isMutating(c.req.method)) refusals?.count(err.code);
      return envelope(c, err.status, err.code, err.message, err.details, err.headers);
    }
    if (err instanceof HTTPException) {
      if (err.status === 413) return envelope(c, 413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
      if (err.status === 400) return envelope(c, 400, 'MALFORMED_JSON', 'the request body is not valid JSON');
      if (err.status === 401) return envelope(c, 401, 'UNAUTHENTICATED', 'sign in first');
      if (err.status < 500) return envelope(c, err.status, 'VALIDATION_FAILED', 'the request was not understood');
    }
    logger.error('unhandled error', { requestId: c.get('requestId'), ...describe(err) });
    return envelope(c, 500, 'INTERNAL', 'something went wrong; the request id helps an operator find out what');
  };
}

function describe(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { errorType: typeof err };
  const code = sqliteCode(err);
  // A database error's message may embed the statement's parameters: keep only its code.
  return code ? { errorName: err.name, code } : { errorName: err.name, errorMessage: err.message.slice(0, 300) };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) => envelope(c, 404, 'NOT_FOUND', 'no such route');

/** The shared validation hook: zod failures answer 400 VALIDATION_FAILED with field details. */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError }) {
  if (!result.success) {
    const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
    throw new AppError(400, 'VALIDATION_FAILED', 'the request has invalid fields', details);
  }
}

/** Requests that carry a body must say it is JSON. */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A body announces itself by length, chunking or a type; an empty DELETE has none of them.
    const length = c.req.header('content-length');
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined || c.req.header('content-type') !== undefined;
    if (hasBody && !c.req.path.startsWith('/api/auth/')) {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\b/i.test(type)) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
    await next();
  };
}
