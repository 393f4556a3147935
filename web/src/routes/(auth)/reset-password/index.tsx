import { component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { z } from 'zod';
import { Field, describe } from '../../../components/field/field.tsx';
import { api } from '../../../lib/api.ts';
import { toProblem } from '../../../lib/problem.ts';
import { query } from '../../../lib/session.ts';
import { check, type FieldErrors } from '../../../lib/validate.ts';

const NewPassword = z
  .object({ password: z.string().min(8, 'use at least 8 characters').max(128, 'use at most 128 characters'), repeat: z.string() })
  .refine((v) => v.password === v.repeat, { path: ['repeat'], message: 'the two passwords differ' });

/** Opened from the reset mail (`?token=…`): sets a new password and signs the account out everywhere. */
export default component$(() => {
  const token = useSignal('');
  const form = useStore({ password: '', repeat: '' });
  const errors = useSignal<FieldErrors>({});
  const done = useSignal(false);
  const busy = useSignal(false);
  useVisibleTask$(
    () => {
      token.value = query('token');
    },
    { strategy: 'document-ready' },
  );
  return (
    <>
      <h1>Choose a new password</h1>
      {done.value ? (
        <div class="state" role="status" data-testid="password-reset">
          Your password is changed, and every session of this account is signed out. <a href="/sign-in/">Sign in</a> with the new password.
        </div>
      ) : (
        <form
          preventdefault:submit
          noValidate
          onSubmit$={async () => {
            const v = check(NewPassword, form);
            if (!v.ok) {
              errors.value = v.errors;
              return;
            }
            busy.value = true;
            errors.value = {};
            try {
              await api.resetPassword(token.value, v.data.password);
              done.value = true;
            } catch (err) {
              const p = toProblem(err);
              errors.value = p.code === 'INVALID_TOKEN' ? { form: 'This link is not valid: it was already used, has expired or was cut short. Ask for a new one.' } : { form: p.message };
            } finally {
              busy.value = false;
            }
          }}
        >
          <Field id="password" label="New password" error={errors.value.password} hint="At least 8 characters.">
            <input id="password" type="password" autoComplete="new-password" value={form.password} onInput$={(_, el) => (form.password = el.value)} {...describe('password', errors.value.password)} />
          </Field>
          <Field id="repeat" label="New password again" error={errors.value.repeat}>
            <input id="repeat" type="password" autoComplete="new-password" value={form.repeat} onInput$={(_, el) => (form.repeat = el.value)} {...describe('repeat', errors.value.repeat)} />
          </Field>
          {errors.value.form && (
            <p class="error-text" role="alert">
              {errors.value.form} <a href="/forgot-password/">Ask for a new link</a>
            </p>
          )}
          <button class="primary" type="submit" disabled={busy.value || !token.value}>
            Set the new password
          </button>
        </form>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Reset password' };
