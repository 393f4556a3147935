import { component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import type { RegistrationMode } from '@berth/protocol';
import { ErrorState, Loading } from '../../../../components/states/states.tsx';
import { api } from '../../../../lib/api.ts';
import { settle, type Loadable, type Problem } from '../../../../lib/problem.ts';
import { submitForm } from '../../../../lib/submit.ts';
import { REGISTRATION_CHOICES } from '../../../../lib/registration.ts';

/** Who may create an account: open, by invitation only, or nobody. Applies to email and SSO sign-up alike. */
export default component$(() => {
  const current = useSignal<Loadable<RegistrationMode>>({ state: 'loading' });
  const choice = useSignal<RegistrationMode>('open');
  const failure = useSignal<Problem | null>(null);
  const saved = useSignal('');
  const busy = useSignal(false);
  useVisibleTask$(
    async () => {
      current.value = await settle(api.registration().then((r) => r.mode));
      if (current.value.state === 'ready') choice.value = current.value.data;
    },
    { strategy: 'document-ready' },
  );
  return (
    <>
      <h1>Registration</h1>
      {current.value.state === 'loading' && <Loading label="Loading the registration policy" />}
      {current.value.state === 'error' && <ErrorState problem={current.value.problem} />}
      {current.value.state === 'ready' && (
        <form
          class="card"
          preventdefault:submit
          onSubmit$={async () => {
            saved.value = '';
            await submitForm(busy, failure, async () => {
              const r = await api.setRegistration(choice.value);
              current.value = { state: 'ready', data: r.mode };
              choice.value = r.mode;
              saved.value = `Saved: ${REGISTRATION_CHOICES.find((c) => c.mode === r.mode)?.label ?? r.mode}.`;
            });
          }}
        >
          <fieldset>
            <legend>Who may create an account</legend>
            {REGISTRATION_CHOICES.map((c) => (
              <div class="field" key={c.mode}>
                <label>
                  <input
                    type="radio"
                    name="registration-mode"
                    value={c.mode}
                    checked={choice.value === c.mode}
                    aria-describedby={`reg-${c.mode}-hint`}
                    onChange$={() => {
                      choice.value = c.mode;
                      saved.value = '';
                    }}
                  />{' '}
                  {c.label}
                </label>
                <span class="hint" id={`reg-${c.mode}-hint`}>
                  {c.description}
                </span>
              </div>
            ))}
          </fieldset>
          <p class="muted">The first platform administrator is always created through first-boot setup, whatever this says.</p>
          {failure.value && <ErrorState problem={failure.value} />}
          <div class="row">
            <button class="primary" type="submit" disabled={busy.value || choice.value === current.value.data}>
              Save
            </button>
            <span role="status" class="muted">
              {saved.value}
            </span>
          </div>
        </form>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Registration' };
