import type { z } from 'zod';
import type { CallOptions, Harness } from './harness.ts';

/**
 * Calls the app, fails with the body when the status is not `expected`, and parses the answer
 * with `schema` (the contract's own DTO, so a response that drifts from it fails here too).
 */
export async function expectJson<S extends z.ZodType>(
  h: Harness,
  schema: S,
  method: string,
  path: string,
  expected: number,
  opts?: CallOptions,
): Promise<z.infer<S>> {
  const res = await h.call(method, path, opts);
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${text}`);
  return schema.parse(JSON.parse(text));
}

/** Signs up several users at once: password hashing dominates, and it runs off the main thread. */
export function signUpAll<K extends string>(h: Harness, emails: Record<K, string>) {
  const keys = Object.keys(emails) as K[];
  return Promise.all(keys.map((k) => h.signUp(emails[k]))).then(
    (users) => Object.fromEntries(keys.map((k, i) => [k, users[i]])) as Record<K, Awaited<ReturnType<Harness['signUp']>>>,
  );
}
