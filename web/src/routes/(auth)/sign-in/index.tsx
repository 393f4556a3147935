import { component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { Field, describe } from '../../../components/field/field.tsx';
import { api } from '../../../lib/api.ts';
import { toProblem } from '../../../lib/problem.ts';
import { go, query, safeNext } from '../../../lib/session.ts';

/** Email + password, then a TOTP step when the account has two-factor on; SSO when offered. */
export default component$(() => {
  const form = useStore({ email: '', password: '', code: '' });
  const step = useSignal<'password' | 'totp'>('password');
  const error = useSignal('');
  const busy = useSignal(false);
  const sso = useSignal<{ providerId: string; name: string } | null>(null);
  const signUpClosed = useSignal(false);
  const codeInput = useSignal<HTMLInputElement>();

  useVisibleTask$(
    async () => {
      const p = await api.providers().catch(() => null);
      sso.value = p?.oidc ?? null;
      signUpClosed.value = p?.registration === 'closed';
      if ((await api.setupStatus().catch(() => ({ needsSetup: false }))).needsSetup) go('/setup/');
    },
    { strategy: 'document-ready' },
  );
  useVisibleTask$(({ track }) => {
    if (track(() => step.value) === 'totp') codeInput.value?.focus();
  });

  return (
    <>
      <h1>Sign in</h1>
      {step.value === 'password' ? (
        <form
          preventdefault:submit
          onSubmit$={async () => {
            busy.value = true;
            error.value = '';
            try {
              const res = await api.signIn({ email: form.email, password: form.password });
              if (res.twoFactorRedirect) step.value = 'totp';
              else go(safeNext(query('next')));
            } catch (err) {
              error.value = toProblem(err).message;
            } finally {
              busy.value = false;
            }
          }}
        >
          <Field id="email" label="Email">
            <input id="email" type="email" autoComplete="email" required value={form.email} onInput$={(_, el) => (form.email = el.value)} />
          </Field>
          <Field id="password" label="Password">
            <input id="password" type="password" autoComplete="current-password" required value={form.password} onInput$={(_, el) => (form.password = el.value)} />
          </Field>
          {error.value && (
            <p class="error-text" role="alert">
              {error.value}
            </p>
          )}
          <button class="primary" type="submit" disabled={busy.value}>
            Sign in
          </button>
          <p class="muted">
            <a href="/forgot-password/">Forgot password?</a>
          </p>
        </form>
      ) : (
        <form
          preventdefault:submit
          onSubmit$={async () => {
            busy.value = true;
            error.value = '';
            try {
              await api.verifyTotp(form.code.trim());
              go(safeNext(query('next')));
            } catch (err) {
              error.value = toProblem(err).message;
            } finally {
              busy.value = false;
            }
          }}
        >
          <p>Enter the 6-digit code from your authenticator app.</p>
          <Field id="code" label="Authentication code" error={error.value || undefined}>
            <input
              id="code"
              ref={codeInput}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              required
              value={form.code}
              onInput$={(_, el) => (form.code = el.value)}
              {...describe('code', error.value || undefined)}
            />
          </Field>
          <button class="primary" type="submit" disabled={busy.value}>
            Verify
          </button>
        </form>
      )}
      {sso.value && step.value === 'password' && (
        <p>
          <button
            type="button"
            onClick$={async () => {
              try {
                const res = await api.signInSso(sso.value!.providerId, new URL(safeNext(query('next')), window.location.origin).href);
                if (res.url) go(res.url);
              } catch (err) {
                error.value = toProblem(err).message;
              }
            }}
          >
            Sign in with {sso.value.name}
          </button>
        </p>
      )}
      {!signUpClosed.value && (
        <p class="muted">
          No account? <a href="/sign-up/">Create one</a>
        </p>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Sign in' };
