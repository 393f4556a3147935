import { component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { SetupBody } from '@berth/protocol';
import { Field, describe } from '../../../components/field/field.tsx';
import { api } from '../../../lib/api.ts';
import { toProblem } from '../../../lib/problem.ts';
import { go } from '../../../lib/session.ts';
import { check, serverFieldErrors, type FieldErrors } from '../../../lib/validate.ts';

/** First boot: the one-time setup token printed by the server creates the first platform admin. */
export default component$(() => {
  const form = useStore({ token: '', name: '', email: '', password: '' });
  const errors = useSignal<FieldErrors>({});
  const open = useSignal<boolean | null>(null);
  useVisibleTask$(
    async () => {
      open.value = (await api.setupStatus().catch(() => ({ needsSetup: false }))).needsSetup;
    },
    { strategy: 'document-ready' },
  );
  if (open.value === false) {
    return (
      <>
        <h1>Berth is set up</h1>
        <p>
          Setup is done. <a href="/sign-in/">Sign in</a>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Set up Berth</h1>
      <p class="muted">Paste the one-time setup token the server printed on first start, and create the first platform administrator.</p>
      <form
        preventdefault:submit
        noValidate
        onSubmit$={async () => {
          const v = check(SetupBody, form);
          if (!v.ok) {
            errors.value = v.errors;
            return;
          }
          try {
            await api.setup(v.data);
            await api.signIn({ email: v.data.email, password: v.data.password });
            go('/tenants/');
          } catch (err) {
            const p = toProblem(err);
            errors.value = { ...serverFieldErrors(p.fields), form: p.message };
          }
        }}
      >
        <Field id="token" label="Setup token" error={errors.value.token}>
          <input id="token" autoComplete="off" value={form.token} onInput$={(_, el) => (form.token = el.value)} {...describe('token', errors.value.token)} />
        </Field>
        <Field id="name" label="Your name" error={errors.value.name}>
          <input id="name" autoComplete="name" value={form.name} onInput$={(_, el) => (form.name = el.value)} {...describe('name', errors.value.name)} />
        </Field>
        <Field id="email" label="Email" error={errors.value.email}>
          <input id="email" type="email" autoComplete="email" value={form.email} onInput$={(_, el) => (form.email = el.value)} {...describe('email', errors.value.email)} />
        </Field>
        <Field id="password" label="Password" error={errors.value.password}>
          <input id="password" type="password" autoComplete="new-password" value={form.password} onInput$={(_, el) => (form.password = el.value)} {...describe('password', errors.value.password)} />
        </Field>
        {errors.value.form && (
          <p class="error-text" role="alert">
            {errors.value.form}
          </p>
        )}
        <button class="primary" type="submit">
          Create administrator
        </button>
      </form>
    </>
  );
});

export const head: DocumentHead = { title: 'Set up' };
