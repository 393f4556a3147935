import { component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import type { RegistrationMode } from '@berth/protocol';
import { z } from 'zod';
import { Field, describe } from '../../../components/field/field.tsx';
import { api } from '../../../lib/api.ts';
import { toProblem } from '../../../lib/problem.ts';
import { signUpFailure, signUpNotice } from '../../../lib/registration.ts';
import { go } from '../../../lib/session.ts';
import { check, type FieldErrors } from '../../../lib/validate.ts';

// The same limits the setup body uses for a person (SetupBody), minus the token.
const SignUp = z.object({ name: z.string().trim().min(1, 'give your name').max(80), email: z.email('use an email address'), password: z.string().min(8, 'use at least 8 characters').max(128) });

/**
 * Creates an account and signs in; what comes next (a tenant, an invitation) is on /tenants/.
 * Says up front when registration needs an invitation or is closed (the server enforces it).
 */
export default component$(() => {
  const form = useStore({ name: '', email: '', password: '' });
  const errors = useSignal<FieldErrors>({});
  const busy = useSignal(false);
  const mode = useSignal<RegistrationMode | null>(null);
  useVisibleTask$(
    async () => {
      mode.value = (await api.providers().catch(() => null))?.registration ?? null;
    },
    { strategy: 'document-ready' },
  );
  const notice = mode.value ? signUpNotice(mode.value) : null;
  return (
    <>
      <h1>Create your account</h1>
      {notice && (
        <div class="state" role="status" data-testid="registration-notice" data-mode={mode.value}>
          <strong>{notice.heading}.</strong> {notice.text}
        </div>
      )}
      {(notice?.formOpen ?? true) && (
        <form
          preventdefault:submit
          noValidate
          onSubmit$={async () => {
            const v = check(SignUp, form);
            if (!v.ok) {
              errors.value = v.errors;
              document.getElementById(Object.keys(v.errors)[0] ?? '')?.focus();
              return;
            }
            busy.value = true;
            errors.value = {};
            try {
              await api.signUp(v.data);
              await api.signIn({ email: v.data.email, password: v.data.password });
              go('/tenants/');
            } catch (err) {
              errors.value = { form: signUpFailure(toProblem(err)) };
            } finally {
              busy.value = false;
            }
          }}
        >
          <Field id="name" label="Name" error={errors.value.name}>
            <input id="name" autoComplete="name" value={form.name} onInput$={(_, el) => (form.name = el.value)} {...describe('name', errors.value.name)} />
          </Field>
          <Field id="email" label="Email" error={errors.value.email}>
            <input id="email" type="email" autoComplete="email" value={form.email} onInput$={(_, el) => (form.email = el.value)} {...describe('email', errors.value.email)} />
          </Field>
          <Field id="password" label="Password" error={errors.value.password} hint="At least 8 characters.">
            <input id="password" type="password" autoComplete="new-password" value={form.password} onInput$={(_, el) => (form.password = el.value)} {...describe('password', errors.value.password)} />
          </Field>
          {errors.value.form && (
            <p class="error-text" role="alert">
              {errors.value.form}
            </p>
          )}
          <button class="primary" type="submit" disabled={busy.value}>
            Create account
          </button>
        </form>
      )}
      <p class="muted">
        Have an account? <a href="/sign-in/">Sign in</a>
      </p>
    </>
  );
});

export const head: DocumentHead = { title: 'Sign up' };
