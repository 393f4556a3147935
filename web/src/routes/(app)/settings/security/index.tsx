import { $, component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { useApp } from '../../../../components/app/app-context.ts';
import { CopyButton } from '../../../../components/copy-button/copy-button.tsx';
import { Field, describe } from '../../../../components/field/field.tsx';
import { ErrorState, Loading } from '../../../../components/states/states.tsx';
import { api } from '../../../../lib/api.ts';
import { groupSecret, readOtpAuth } from '../../../../lib/otpauth.ts';
import type { Problem } from '../../../../lib/problem.ts';
import { submitForm } from '../../../../lib/submit.ts';

type Enrollment = { uri: string; secret: string; backupCodes: string[] };

/**
 * The signed-in user's two-factor sign-in. Enabling asks for the password, shows the authenticator
 * secret (as an otpauth URI and as text) and the backup codes, and turns TOTP on only once a code
 * from the authenticator proves it holds the secret. Disabling asks for the password again.
 */
export default component$(() => {
  const app = useApp();
  const form = useStore({ password: '', code: '', disablePassword: '' });
  const enrollment = useSignal<Enrollment | null>(null);
  const failure = useSignal<Problem | null>(null);
  const notice = useSignal('');
  const busy = useSignal(false);
  const codeInput = useSignal<HTMLInputElement>();
  useVisibleTask$(({ track }) => {
    if (track(() => enrollment.value)) codeInput.value?.focus();
  });

  const refreshMe = $(async () => {
    app.me = await api.me();
  });

  if (!app.ready || !app.me) return app.problem ? null : <Loading label="Loading your account" />;
  const enabled = app.me.twoFactorEnabled;
  return (
    <>
      <h1>Security</h1>
      <p>
        Two-factor sign-in is{' '}
        <strong data-testid="totp-state" class={enabled ? 'badge ok' : 'badge'}>
          {enabled ? 'on' : 'off'}
        </strong>
        . With it on, signing in asks for a 6-digit code from an authenticator app after the password.
      </p>
      <p role="status" class="muted">
        {notice.value}
      </p>
      {failure.value && <ErrorState problem={failure.value} />}

      {!enabled && !enrollment.value && (
        <form
          class="card"
          preventdefault:submit
          onSubmit$={async () => {
            notice.value = '';
            await submitForm(busy, failure, async () => {
              const r = await api.enableTotp(form.password);
              const otp = readOtpAuth(r.totpURI);
              if (!otp) throw new Error('the server sent an authenticator URI this page cannot read');
              enrollment.value = { uri: r.totpURI, secret: otp.secret, backupCodes: r.backupCodes };
              form.password = '';
            });
          }}
        >
          <h2>Turn on two-factor sign-in</h2>
          <Field id="totp-password" label="Current password">
            <input id="totp-password" type="password" autoComplete="current-password" required value={form.password} onInput$={(_, el) => (form.password = el.value)} />
          </Field>
          <button class="primary" type="submit" disabled={busy.value}>
            Set up authenticator
          </button>
        </form>
      )}

      {!enabled && enrollment.value && (
        <div class="card secret-once" data-testid="totp-enrollment">
          <h2>Add Berth to your authenticator</h2>
          <p>Open this link on the device with your authenticator app, or type the secret key into it by hand.</p>
          <p>
            <a href={enrollment.value.uri} data-testid="totp-uri">
              Open in authenticator app
            </a>
          </p>
          <p>
            Secret key:{' '}
            <code class="mono" data-testid="totp-secret" data-secret={enrollment.value.secret}>
              {groupSecret(enrollment.value.secret)}
            </code>{' '}
            <CopyButton text={enrollment.value.secret} label="Copy secret key" />
          </p>
          <h3>Backup codes</h3>
          <p>Each code signs you in once if you lose the authenticator. Keep them somewhere safe: they are shown only now.</p>
          <ul class="mono" data-testid="backup-codes" aria-label="Backup codes">
            {enrollment.value.backupCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <CopyButton text={enrollment.value.backupCodes.join('\n')} label="Copy backup codes" />
          <form
            preventdefault:submit
            onSubmit$={async () => {
              await submitForm(busy, failure, async () => {
                await api.verifyTotp(form.code.trim());
                form.code = '';
                enrollment.value = null;
                await refreshMe();
                notice.value = 'Two-factor sign-in is on.';
              });
            }}
          >
            <Field id="totp-code" label="Code from the authenticator" hint="6 digits; proves the authenticator has the secret.">
              <input
                id="totp-code"
                ref={codeInput}
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                required
                value={form.code}
                onInput$={(_, el) => (form.code = el.value)}
                {...describe('totp-code', undefined)}
              />
            </Field>
            <button class="primary" type="submit" disabled={busy.value}>
              Verify and turn on
            </button>
          </form>
        </div>
      )}

      {enabled && (
        <form
          class="card"
          preventdefault:submit
          onSubmit$={async () => {
            notice.value = '';
            await submitForm(busy, failure, async () => {
              await api.disableTotp(form.disablePassword);
              form.disablePassword = '';
              await refreshMe();
              notice.value = 'Two-factor sign-in is off.';
            });
          }}
        >
          <h2>Turn off two-factor sign-in</h2>
          <Field id="totp-disable-password" label="Current password">
            <input
              id="totp-disable-password"
              type="password"
              autoComplete="current-password"
              required
              value={form.disablePassword}
              onInput$={(_, el) => (form.disablePassword = el.value)}
            />
          </Field>
          <button class="danger" type="submit" disabled={busy.value}>
            Turn off two-factor
          </button>
        </form>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Security' };
