import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Me } from '@berth/protocol';
import { tokenIn, VERIFY_SUBJECT } from '@berth/test-support/inbox';
import { mailsIn } from './logged-mail.ts';
import { startWorker, type WorkerHarness } from './worker-harness.ts';

/** Workers have no SMTP client: account mail goes to the Worker's log, which the operator reads. */
describe('account mail on Workers (workerd)', () => {
  let w: WorkerHarness;
  beforeAll(async () => {
    w = await startWorker();
  });
  afterAll(() => w?.close());

  it('writes the verification mail to the log, and its link verifies the account signed in', async () => {
    const email = 'verify@workers.test';
    const user = await w.signUp(email);
    expect((await w.json(Me, 'GET', '/api/v1/me', 200, user)).emailVerified).toBe(false);
    const mail = mailsIn(w.logs).find((m) => m.to === email && VERIFY_SUBJECT.test(m.subject));
    if (!mail) throw new Error(`no verification mail in the Worker log (${w.logs.length} lines)`);
    const res = await w.call('GET', `/api/auth/verify-email?token=${encodeURIComponent(tokenIn(mail))}`, user);
    expect(res.status).toBe(200);
    expect((await w.json(Me, 'GET', '/api/v1/me', 200, user)).emailVerified).toBe(true);
  });
});
