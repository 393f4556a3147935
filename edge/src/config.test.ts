import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const base = { BERTH_SECRET_KEY: 'a-secret-key-that-is-long-enough-0123456789' };

describe('SMTP settings', () => {
  it('defaults to no SMTP (the log mailer), STARTTLS on 587 once a host is set', () => {
    expect(loadConfig(base).BERTH_SMTP_HOST).toBeUndefined();
    const c = loadConfig({ ...base, BERTH_SMTP_HOST: 'smtp.example.com' });
    expect([c.BERTH_SMTP_HOST, c.BERTH_SMTP_PORT, c.BERTH_SMTP_SECURITY, c.BERTH_MAIL_FROM]).toEqual(['smtp.example.com', 587, 'starttls', 'Berth <berth@localhost>']);
  });

  it('refuses a login without its password, and a login over plain text', () => {
    expect(() => loadConfig({ ...base, BERTH_SMTP_HOST: 'smtp.example.com', BERTH_SMTP_USER: 'berth' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, BERTH_SMTP_HOST: 'smtp.example.com', BERTH_SMTP_SECURITY: 'none', BERTH_SMTP_USER: 'berth', BERTH_SMTP_PASSWORD: 'pw' })).toThrow(/clear text/);
    expect(loadConfig({ ...base, BERTH_SMTP_HOST: '127.0.0.1', BERTH_SMTP_PORT: '2525', BERTH_SMTP_SECURITY: 'none' }).BERTH_SMTP_PORT).toBe(2525);
  });

  it('accepts a sender as an address or Name <address> and nothing else', () => {
    expect(loadConfig({ ...base, BERTH_MAIL_FROM: 'ops@example.com' }).BERTH_MAIL_FROM).toBe('ops@example.com');
    expect(loadConfig({ ...base, BERTH_MAIL_FROM: 'Berth Ops <ops@example.com>' }).BERTH_MAIL_FROM).toBe('Berth Ops <ops@example.com>');
    for (const bad of ['not an address', 'a@b.c\r\nBcc: x@y.z', 'Berth <ops>']) expect(() => loadConfig({ ...base, BERTH_MAIL_FROM: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, BERTH_SMTP_SECURITY: 'ssl' })).toThrow(ConfigError);
  });
});
