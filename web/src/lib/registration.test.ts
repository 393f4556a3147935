import { describe, expect, it } from 'vitest';
import { RegistrationMode } from '@berth/protocol';
import { REGISTRATION_CHOICES, signUpFailure, signUpNotice } from './registration.ts';
import { problemFrom } from './problem.ts';

describe('registration wording', () => {
  it('offers every mode exactly once', () => {
    expect(REGISTRATION_CHOICES.map((c) => c.mode)).toEqual(RegistrationMode.options);
  });

  it('says nothing when sign-up is open, and keeps the form only when an invitation can still get in', () => {
    expect(signUpNotice('open')).toBeNull();
    expect(signUpNotice('invite-only')).toMatchObject({ heading: 'Invitation required', formOpen: true });
    expect(signUpNotice('closed')).toMatchObject({ heading: 'Registration is closed', formOpen: false });
  });

  it('words the policy refusals from their codes, whatever the envelope says', () => {
    const refusal = (code: string) => problemFrom(403, { error: { code, message: 'server words', requestId: 'r1' } });
    expect(signUpFailure(refusal('REGISTRATION_CLOSED'))).toMatch(/^Registration is closed/);
    expect(signUpFailure(refusal('REGISTRATION_INVITE_ONLY'))).toMatch(/^An invitation is required/);
    expect(signUpFailure(problemFrom(400, { code: 'PASSWORD_TOO_SHORT', message: 'Password too short' }))).toBe('Password too short');
  });
});
