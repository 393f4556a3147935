import type { Logger } from '../logger.ts';

/** One account mail: plain text only, so no HTML template can smuggle a link elsewhere. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Where account mail goes. The Node entry wires SMTP (adapters/smtp-mailer.ts) when configured;
 * otherwise, and on Workers, the log mailer. `send` may throw; callers go through `deliver`.
 */
export interface Mailer {
  /** What the mailer is, for the start-up log line ('smtp', 'log', …). */
  readonly kind: string;
  send(message: MailMessage): Promise<void>;
}

/** The message of the log line that carries a mail. */
export const LOG_MAILER_MESSAGE = 'mail not sent (no SMTP configured); here it is';

/**
 * Writes each mail, links included, to the log at warn level (visible at the default level),
 * for an install without SMTP: the person running it reads the link from the console. This is
 * the one log path that carries a token, on purpose.
 */
export function createLogMailer(logger: Logger): Mailer {
  return {
    kind: 'log',
    send: (message) => {
      logger.warn(LOG_MAILER_MESSAGE, { to: message.to, subject: message.subject, text: message.text });
      return Promise.resolve();
    },
  };
}

/**
 * Sends without letting the caller wait or fail: an account endpoint answers the same whether
 * or not a mail went out (no enumeration by timing or by error). A failure is logged once by
 * purpose and error code only, never the address, the text or the link.
 */
export function deliver(mailer: Mailer, logger: Logger, purpose: string, message: MailMessage): void {
  void mailer.send(message).then(
    () => logger.info('mail sent', { purpose, mailer: mailer.kind }),
    (err: unknown) => logger.error('mail not sent', { purpose, mailer: mailer.kind, code: errorCode(err) }),
  );
}

function errorCode(err: unknown): string {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string' && /^[A-Z_]{2,40}$/.test(err.code)) return err.code;
  return 'MAIL_SEND_FAILED';
}
