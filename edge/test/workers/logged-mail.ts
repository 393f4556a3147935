import { z } from 'zod';
import { LOG_MAILER_MESSAGE } from '../../src/mail/mailer.ts';
import { tokenIn, VERIFY_SUBJECT, type ReceivedMail } from '@berth/test-support/inbox';
import type { Caller, WorkerHarness } from './worker-harness.ts';

const LoggedMail = z.object({ msg: z.literal(LOG_MAILER_MESSAGE), to: z.string(), subject: z.string(), text: z.string() });

/** The account mails a Worker wrote to its log (Workers have no SMTP client). */
export function mailsIn(logs: readonly string[]): ReceivedMail[] {
  return logs.flatMap((line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return [];
    }
    const mail = LoggedMail.safeParse(parsed);
    return mail.success ? [mail.data] : [];
  });
}

/** Confirms `email` the way its owner would: the newest verification mail's link, opened signed in. */
export async function verifyEmail(w: WorkerHarness, email: string, caller: Caller): Promise<void> {
  const mail = mailsIn(w.logs).filter((m) => m.to === email && VERIFY_SUBJECT.test(m.subject)).at(-1);
  if (!mail) throw new Error(`no verification mail for ${email} in the Worker log (${w.logs.length} lines)`);
  const res = await w.call('GET', `/api/auth/verify-email?token=${encodeURIComponent(tokenIn(mail))}`, caller);
  if (res.status >= 400) throw new Error(`verifying ${email} answered ${res.status}`);
}
