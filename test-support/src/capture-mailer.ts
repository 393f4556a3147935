import { LOG_MAILER_MESSAGE, type Mailer } from '@berth/edge/mailer';
import { z } from 'zod';
import type { Inbox, ReceivedMail } from './inbox.ts';

/** A fake mailer for in-process tests: keeps every mail in memory and serves it as an inbox. */
export function createCaptureMailer(): Mailer & Inbox & { mails: ReceivedMail[] } {
  const mails: ReceivedMail[] = [];
  return {
    kind: 'capture',
    mails,
    send: (message) => {
      mails.push({ ...message });
      return Promise.resolve();
    },
    all: () => Promise.resolve([...mails]),
  };
}

const LoggedMail = z.object({ msg: z.literal(LOG_MAILER_MESSAGE), to: z.string(), subject: z.string(), text: z.string() });

/** The mail the log mailer wrote, read back from the log lines (what a local user reads on the console). */
export function logInbox(logger: { lines: string[] }): Inbox {
  return {
    all: () =>
      Promise.resolve(
        logger.lines.flatMap((line) => {
          const parsed = LoggedMail.safeParse(JSON.parse(line));
          return parsed.success ? [{ to: parsed.data.to, subject: parsed.data.subject, text: parsed.data.text }] : [];
        }),
      ),
  };
}
