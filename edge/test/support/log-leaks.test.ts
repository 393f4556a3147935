import { describe, expect, it } from 'vitest';
import { cookieSecrets, leakedSecrets } from './log-leaks.ts';

describe('the log leak finder', () => {
  const lines = ['{"msg":"request handled","path":"/api/v1/me"}', '{"msg":"oops","detail":"token abcdef123456 was bad"}'];

  it('names a secret that appears in a line', () => {
    expect(leakedSecrets(lines, { token: 'abcdef123456', other: 'zzzzzzzzzz' })).toEqual(['token']);
  });

  it('finds the bare token of a URL-encoded signed cookie', () => {
    const secrets = cookieSecrets('berth.session_token=abcdef123456.c2lnbmF0dXJl%3D', 'session');
    expect(leakedSecrets(lines, secrets)).toEqual(['session:berth.session_token']);
  });

  it('finds nothing in clean lines', () => {
    expect(leakedSecrets(lines.slice(0, 1), { token: 'abcdef123456' })).toEqual([]);
  });
});
