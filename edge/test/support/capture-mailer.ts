import type { Mailer } from '../../src/mail/mailer.ts';
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
