import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Me } from '@berth/protocol';
import { LOG_MAILER_MESSAGE } from '../../src/mail/mailer.ts';
import { tokenIn, VERIFY_SUBJECT, type ReceivedMail } from '@berth/test-support/inbox';
import { startWorker, type WorkerHarness } from './worker-harness.ts';

const LoggedMail = z.object({ msg: z.literal(LOG_MAILER_MESSAGE), to: z.string(), subject: z.string(), text: z.string() });

/** Workers have no SMTP client: account mail goes to the Worker's log, which the operator reads. */
describe('account mail on Workers (workerd)', () => {
  let w: WorkerHarness;
  beforeAll(async () => {
    w = await startWorker();
  });
  afterAll(() => w?.close());

  const mailsIn = (logs: string[]): ReceivedMail[] =>
    logs.flatMap((line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return [];
      }
      const mail = LoggedMail.safeParse(parsed);
      return mail.success ? [mail.data] : [];
    });

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
