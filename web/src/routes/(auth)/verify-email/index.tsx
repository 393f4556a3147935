import { component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { api } from '../../../lib/api.ts';
import { toProblem } from '../../../lib/problem.ts';
import { query } from '../../../lib/session.ts';

type Outcome = 'working' | 'verified' | 'sign-in' | 'expired' | 'invalid' | 'failed';

/**
 * Opened from the verification mail (`?token=…`). Verification completes only from the
 * account's own session, so a signed-out visitor is sent to sign in and brought back here.
 */
export default component$(() => {
  const outcome = useSignal<Outcome>('working');
  const message = useSignal('');
  const here = useSignal('/verify-email/');
  useVisibleTask$(
    async () => {
      here.value = window.location.pathname + window.location.search;
      try {
        await api.verifyEmail(query('token'));
        outcome.value = 'verified';
      } catch (err) {
        const p = toProblem(err);
        message.value = p.message;
        outcome.value = p.code === 'VERIFY_WHILE_SIGNED_IN' ? 'sign-in' : p.code === 'TOKEN_EXPIRED' ? 'expired' : p.code === 'INVALID_TOKEN' ? 'invalid' : 'failed';
      }
    },
    { strategy: 'document-ready' },
  );
  return (
    <>
      <h1>Confirm your email address</h1>
      <div class="state" role="status" data-testid="verify-email" data-outcome={outcome.value}>
        {outcome.value === 'working' && 'Checking the link…'}
        {outcome.value === 'verified' && (
          <>
            Your email address is confirmed. Invitations sent to it are now <a href="/tenants/">waiting for you</a>.
          </>
        )}
        {outcome.value === 'sign-in' && (
          <>
            Sign in to the account this link was sent for, and you will come back here. <a href={`/sign-in/?next=${encodeURIComponent(here.value)}`}>Sign in</a>
          </>
        )}
        {outcome.value === 'expired' && (
          <>
            This link has expired. Open <a href="/tenants/">Tenants</a> while signed in to have a new one mailed.
          </>
        )}
        {outcome.value === 'invalid' && 'This link is not valid. Use the latest link mailed to you, whole.'}
        {outcome.value === 'failed' && message.value}
      </div>
    </>
  );
});

export const head: DocumentHead = { title: 'Confirm email' };
