import type { RegistrationMode } from '@berth/protocol';
import type { Problem } from './problem.ts';

/** The admin page's choices, in order from most to least permissive. */
export const REGISTRATION_CHOICES: readonly { mode: RegistrationMode; label: string; description: string }[] = [
  { mode: 'open', label: 'Open', description: 'Anyone may create an account.' },
  { mode: 'invite-only', label: 'Invitation only', description: 'Only an email address holding a pending tenant invitation may create an account.' },
  { mode: 'closed', label: 'Closed', description: 'Nobody may create a new account. Existing accounts keep signing in.' },
];

/** What the sign-up page tells a visitor before they fill the form; null when sign-up is open. */
export function signUpNotice(mode: RegistrationMode): { heading: string; text: string; formOpen: boolean } | null {
  switch (mode) {
    case 'open':
      return null;
    case 'invite-only':
      return {
        heading: 'Invitation required',
        text: 'New accounts need an invitation. Sign up with the email address your invitation was sent to.',
        formOpen: true,
      };
    case 'closed':
      return { heading: 'Registration is closed', text: 'This Berth does not accept new accounts. Ask an administrator if you need one.', formOpen: false };
  }
}

/** A sign-up failure as the page says it: the policy codes get the page's wording, anything else the server's. */
export function signUpFailure(problem: Problem): string {
  if (problem.code === 'REGISTRATION_CLOSED') return 'Registration is closed: this Berth does not accept new accounts.';
  if (problem.code === 'REGISTRATION_INVITE_ONLY') return 'An invitation is required: no pending invitation was sent to this email address.';
  return problem.message;
}
