import { describe, expect, it } from 'vitest';
import { createApi } from './api.ts';
import { ApiError, problemFrom } from './problem.ts';

describe('api client', () => {
  it('reads the error envelope with its field issues', async () => {
    const api = createApi('', async () =>
      Response.json({ error: { code: 'VALIDATION_FAILED', message: 'the request is invalid', requestId: 'r1', details: [{ path: 'slug', message: 'use 3–40 lower-case letters' }] } }, { status: 400 }),
    );
    const err = await api.createTenant({ name: 'x', slug: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).problem).toEqual({ status: 400, code: 'VALIDATION_FAILED', message: 'the request is invalid', requestId: 'r1', fields: [{ path: 'slug', message: 'use 3–40 lower-case letters' }] });
  });

  it('refuses an answer that does not match the shared schema', async () => {
    const api = createApi('', async () => Response.json({ id: 1 }, { status: 200 }));
    await expect(api.me()).rejects.toMatchObject({ problem: { code: 'BAD_RESPONSE' } });
  });

  it('sends the idempotency key and same-origin credentials', async () => {
    const seen: RequestInit[] = [];
    const api = createApi('', async (_url, init) => {
      seen.push(init);
      return Response.json({ error: { code: 'QUOTA_EXCEEDED', message: 'over', requestId: 'r2' } }, { status: 409 });
    });
    await api.createAgent('acme', { name: 'a', image: 'b', env: {}, secrets: {}, replicas: 1 }, 'key-1').catch(() => undefined);
    expect(seen[0]?.credentials).toBe('same-origin');
    expect(seen[0]?.headers).toMatchObject({ 'idempotency-key': 'key-1', 'content-type': 'application/json' });
  });

  it('understands better-auth errors and unknown bodies', () => {
    expect(problemFrom(401, { code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' })).toMatchObject({ code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' });
    expect(problemFrom(502, null)).toMatchObject({ code: 'INTERNAL', message: 'the server answered 502' });
  });
});
