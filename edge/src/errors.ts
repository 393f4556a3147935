import type { ErrorCode } from '@berth/protocol';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A failure Berth knows how to explain. `code` is stable; `message` is for humans and never
 * carries secrets, tokens or SQL parameters.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; /** Response headers the answer carries (e.g. Retry-After). */ headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers;
  }

  readonly headers: Record<string, string> | undefined;
}

export const notFound = (what = 'resource') => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'you do not have permission to do this') => new AppError(403, 'FORBIDDEN', message);
export const unauthenticated = () => new AppError(401, 'UNAUTHENTICATED', 'sign in first');
export const conflict = (code: ErrorCode, message: string, details?: unknown) => new AppError(409, code, message, details);
