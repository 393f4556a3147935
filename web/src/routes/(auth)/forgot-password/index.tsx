import { component$, useSignal } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { z } from 'zod';
import { Field, describe } from '../../../components/field/field.tsx';
import { api } from '../../../lib/api.ts';
import { toProblem } from '../../../lib/problem.ts';
import { check } from '../../../lib/validate.ts';

const Email = z.email('use an email address');

/** Asks for a reset link. The answer is the same whether or not an account uses the address. */
export default component$(() => {
  const email = useSignal('');
  const error = useSignal('');
  const sent = useSignal(false);
  const busy = useSignal(false);
  return (
    <>
      <h1>Forgot your password?</h1>
      {sent.value ? (
        <div class="state" role="status" data-testid="reset-requested">
          If an account uses <strong>{email.value}</strong>, a link to choose a new password is on its way. It works once, for 30 minutes.
        </div>
      ) : (
        <form
          preventdefault:submit
          noValidate
          onSubmit$={async () => {
            const v = check(Email, email.value.trim());
            if (!v.ok) {
              error.value = Object.values(v.errors)[0] ?? 'use an email address';
              return;
            }
            busy.value = true;
            error.value = '';
            try {
              await api.requestPasswordReset(v.data);
              sent.value = true;
            } catch (err) {
              error.value = toProblem(err).message;
            } finally {
              busy.value = false;
            }
          }}
        >
          <p>We will mail a link to choose a new password.</p>
          <Field id="email" label="Email" error={error.value || undefined}>
            <input id="email" type="email" autoComplete="email" value={email.value} onInput$={(_, el) => (email.value = el.value)} {...describe('email', error.value || undefined)} />
          </Field>
          <button class="primary" type="submit" disabled={busy.value}>
            Mail me a link
          </button>
        </form>
      )}
      <p class="muted">
        <a href="/sign-in/">Back to sign in</a>
      </p>
    </>
  );
});

export const head: DocumentHead = { title: 'Forgot password' };
