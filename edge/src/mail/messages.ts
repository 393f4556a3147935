import type { MailMessage } from './mailer.ts';

/** Minutes a password-reset link stays valid. */
export const RESET_LINK_MINUTES = 30;
/** Hours an email-verification link stays valid. */
export const VERIFY_LINK_HOURS = 24;

/** The web UI pages the links open; the UI is served on the API's origin (web/README.md). */
export function verifyLink(baseUrl: string, token: string): string {
  return `${origin(baseUrl)}/verify-email/?token=${encodeURIComponent(token)}`;
}

export function resetLink(baseUrl: string, token: string): string {
  return `${origin(baseUrl)}/reset-password/?token=${encodeURIComponent(token)}`;
}

export function verificationMail(to: string, link: string): MailMessage {
  return {
    to,
    subject: 'Confirm your email address for Berth',
    text: [
      'Someone created a Berth account with this email address.',
      '',
      `If it was you, sign in to that account and open this link within ${VERIFY_LINK_HOURS} hours:`,
      link,
      '',
      'If it was not you, ignore this mail: the account stays unconfirmed and cannot see or accept',
      'invitations sent to this address. You can take the address back with "Forgot password?".',
    ].join('\n'),
  };
}

export function resetMail(to: string, link: string): MailMessage {
  return {
    to,
    subject: 'Reset your Berth password',
    text: [
      'Someone asked to reset the password of the Berth account for this email address.',
      '',
      `If it was you, open this link within ${RESET_LINK_MINUTES} minutes and choose a new password.`,
      'It works once, and signs the account out everywhere else:',
      link,
      '',
      'If it was not you, ignore this mail; your password stays as it is.',
    ].join('\n'),
  };
}

function origin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}
