import { createTransport } from 'nodemailer';
import type { Config } from '../config.ts';
import type { Mailer } from '../mail/mailer.ts';

/** Account mail through an SMTP relay with nodemailer (Node only). */
export function createSmtpMailer(config: Config & { BERTH_SMTP_HOST: string }): Mailer {
  const security = config.BERTH_SMTP_SECURITY;
  const transport = createTransport({
    host: config.BERTH_SMTP_HOST,
    port: config.BERTH_SMTP_PORT,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    ...(config.BERTH_SMTP_USER && config.BERTH_SMTP_PASSWORD ? { auth: { user: config.BERTH_SMTP_USER, pass: config.BERTH_SMTP_PASSWORD } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    // nodemailer's own logger would print envelopes and message bodies (links included).
    logger: false,
    debug: false,
  });
  return {
    kind: 'smtp',
    send: async (message) => {
      await transport.sendMail({ from: config.BERTH_MAIL_FROM, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
