/** A received mail as a test reads it. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** Where a test reads the mail the edge sent: captured in memory, or received by a real SMTP server. */
export interface Inbox {
  /** Every mail received so far, oldest first. */
  all(): Promise<ReceivedMail[]>;
}

/**
 * Waits for the next mail to `to` whose subject matches, that `seen` does not hold yet, and
 * adds it to `seen`. Mail goes out after the request has answered, hence the wait.
 */
export async function nextMail(inbox: Inbox, to: string, subject: RegExp, seen: Set<string>, timeoutMs = 10_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await inbox.all();
    for (const [i, m] of mails.entries()) {
      const key = `${i}`;
      if (!seen.has(key) && m.to.toLowerCase() === to.toLowerCase() && subject.test(m.subject)) {
        seen.add(key);
        return m;
      }
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms (inbox holds ${mails.length})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The one link a Berth account mail carries. */
export function linkIn(mail: ReceivedMail): URL {
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  if (links.length !== 1 || !links[0]) throw new Error(`expected exactly one link in "${mail.subject}", found ${links.length}`);
  return new URL(links[0]);
}

/** The token a verification or reset link carries (the UI page reads the same query parameter). */
export function tokenIn(mail: ReceivedMail): string {
  const token = linkIn(mail).searchParams.get('token');
  if (!token) throw new Error(`no token in the link of "${mail.subject}"`);
  return token;
}

export const VERIFY_SUBJECT = /confirm your email/i;
export const RESET_SUBJECT = /reset your .*password/i;
