import { createHarness, type Harness } from '../support/harness.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

export interface MailFixture {
  h: Harness;
  sink: SmtpSink;
  stop(): Promise<void>;
}

/** A real app whose mail goes through nodemailer to a real SMTP server in a child process. */
export async function startMailFixture(): Promise<MailFixture> {
  const sink = await startSmtpSink();
  try {
    const h = await createHarness(sink.env, undefined, { mail: { kind: 'smtp', inbox: sink.inbox } });
    return {
      h,
      sink,
      stop: async () => {
        h.close();
        await sink.stop();
      },
    };
  } catch (err) {
    await sink.stop();
    throw err;
  }
}
