import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './safe-redirect.ts';

const ORIGIN = 'http://localhost:8787';
/** What `?next=…` yields after URLSearchParams has decoded it once. */
const fromQuery = (qs: string) => new URLSearchParams(qs).get('next') ?? '';

describe('safeRedirectPath', () => {
  it.each(['/', '/agents/', '/agents/?t=acme&a=123', '/settings/#tokens'])('keeps the same-origin path %s', (path) => {
    expect(safeRedirectPath(path, ORIGIN)).toBe(path);
  });

  it.each([
    ['next=/%5Cevil.example', 'a backslash'],
    ['next=/%09/evil.example', 'a tab before a second slash'],
    ['next=/%0A/evil.example', 'a newline'],
    ['next=/%0D/evil.example', 'a carriage return'],
    ['next=/%00evil', 'a NUL'],
    ['next=/%20/evil.example', 'a space'],
    ['next=//evil', 'a protocol-relative URL'],
    ['next=https://evil', 'an absolute URL'],
    ['next=/\\evil', 'a literal backslash'],
    ['next=\\\\evil', 'two backslashes'],
    ['next=/%255Cevil.example', 'a double-encoded backslash'],
    ['next=/%2F/evil.example', 'an encoded second slash'],
    ['next=javascript:alert(1)', 'a javascript: URL'],
    ['next=evil.example', 'a relative path without a slash'],
    ['next=/%E0%A4%A', 'a broken escape'],
    ['next=', 'nothing'],
  ])('sends %s (%s) to /', (qs) => {
    expect(safeRedirectPath(fromQuery(qs), ORIGIN)).toBe('/');
  });

  it('refuses the raw, undecoded forms too', () => {
    for (const raw of ['/%5Cevil.example', '/%09/evil.example', '//evil', 'https://evil', '/\\evil']) expect(safeRedirectPath(raw, ORIGIN)).toBe('/');
  });
});
