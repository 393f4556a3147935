import { describe, expect, it } from 'vitest';
import { trustedOrigins } from './trusted-origins.ts';

describe('trusted origins', () => {
  it('trusts every loopback name on the port of a local base URL', () => {
    expect(trustedOrigins('http://localhost:8787', undefined)).toEqual(['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787']);
    expect(trustedOrigins('http://127.0.0.1:9000/', undefined)).toEqual(['http://127.0.0.1:9000', 'http://localhost:9000', 'http://[::1]:9000']);
  });

  it('trusts only the public origin of a non-local base URL, plus the listed extras', () => {
    expect(trustedOrigins('https://berth.example.com', ' https://ui.example.com/path , not a url,')).toEqual(['https://berth.example.com', 'https://ui.example.com']);
  });
});
