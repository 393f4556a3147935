import { DockerError } from '../errors.ts';

function numberField(e: unknown, key: string): number | undefined {
  if (typeof e !== 'object' || e === null || !(key in e)) return undefined;
  const v: unknown = Reflect.get(e, key);
  return typeof v === 'number' ? v : undefined;
}

function stringField(e: unknown, key: string): string | undefined {
  if (typeof e !== 'object' || e === null || !(key in e)) return undefined;
  const v: unknown = Reflect.get(e, key);
  return typeof v === 'string' ? v : undefined;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Maps whatever dockerode threw onto a DockerError by HTTP status (404 → NOT_FOUND, 409 → CONFLICT),
 * or DOCKER_UNAVAILABLE when the socket did not answer. Never matches message strings.
 */
export function classifyDockerError(e: unknown, what: string): DockerError {
  if (e instanceof DockerError) return e;
  const status = numberField(e, 'statusCode');
  const engineMessage = typeof e === 'object' && e !== null ? stringField(Reflect.get(e, 'json') ?? {}, 'message') : undefined;
  const detail = engineMessage ?? (e instanceof Error ? e.message : 'unknown error');
  if (status === 404) return new DockerError('NOT_FOUND', `${what}: not found`, status, { cause: e });
  if (status === 409) return new DockerError('CONFLICT', `${what}: ${detail}`, status, { cause: e });
  if (status === undefined) {
    const code = stringField(e, 'code');
    if (code !== undefined && UNREACHABLE.has(code)) return new DockerError('DOCKER_UNAVAILABLE', `${what}: docker engine unreachable (${code})`, undefined, { cause: e });
  }
  return new DockerError('DOCKER_ERROR', `${what}: ${detail}`, status, { cause: e });
}

/** Runs a Docker call and rethrows its failure classified. */
export async function docker<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw classifyDockerError(e, what);
  }
}
