import { $, component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { CreateApiTokenBody, Role, type ApiToken } from '@berth/protocol';
import { useApp } from '../../../../components/app/app-context.ts';
import { ConfirmButton } from '../../../../components/confirm-button/confirm-button.tsx';
import { CopyButton } from '../../../../components/copy-button/copy-button.tsx';
import { Field, describe } from '../../../../components/field/field.tsx';
import { Empty, ErrorState, Loading } from '../../../../components/states/states.tsx';
import { api } from '../../../../lib/api.ts';
import { settle, toProblem, type Loadable, type Problem } from '../../../../lib/problem.ts';
import { check, type FieldErrors } from '../../../../lib/validate.ts';

/** API tokens: created with a role and expiry, the secret shown once with a copy button. */
export default component$(() => {
  const app = useApp();
  const tokens = useSignal<Loadable<ApiToken[]>>({ state: 'loading' });
  const form = useStore({ name: '', role: 'viewer', days: '90' });
  const errors = useSignal<FieldErrors>({});
  const created = useSignal<{ name: string; token: string } | null>(null);
  const failure = useSignal<Problem | null>(null);
  const load = $(async () => {
    tokens.value = await settle(api.tokens(app.tenant).then((r) => r.items));
  });
  useVisibleTask$(
    async ({ track }) => {
      if (!track(() => app.ready)) return;
      await load();
    },
    { strategy: 'document-ready' },
  );
  return (
    <>
      <h1>API tokens</h1>
      {created.value && (
        <div class="card secret-once" role="status" data-testid="token-once">
          <p>
            <strong>{created.value.name}</strong>: copy this token now. It is shown only once.
          </p>
          <pre>{created.value.token}</pre>
          <CopyButton text={created.value.token} label="Copy token" />
        </div>
      )}
      <form
        class="card"
        preventdefault:submit
        noValidate
        onSubmit$={async () => {
          const v = check(CreateApiTokenBody, { name: form.name, role: form.role, expiresInDays: Number(form.days) });
          if (!v.ok) {
            errors.value = v.errors;
            return;
          }
          errors.value = {};
          failure.value = null;
          try {
            const t = await api.createToken(app.tenant, v.data);
            created.value = { name: t.name, token: t.token };
            form.name = '';
            await load();
          } catch (err) {
            failure.value = toProblem(err);
          }
        }}
      >
        <div class="grid2">
          <Field id="tok-name" label="Token name" error={errors.value.name}>
            <input id="tok-name" value={form.name} onInput$={(_, el) => (form.name = el.value)} {...describe('tok-name', errors.value.name)} />
          </Field>
          <Field id="tok-role" label="Role">
            <select id="tok-role" onChange$={(_, el) => (form.role = el.value)}>
              {Role.options.map((r) => (
                <option key={r} value={r} selected={r === form.role}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field id="tok-days" label="Expires in (days)" error={errors.value.expiresInDays}>
            <input id="tok-days" type="number" min={1} max={365} value={form.days} onInput$={(_, el) => (form.days = el.value)} {...describe('tok-days', errors.value.expiresInDays)} />
          </Field>
        </div>
        {failure.value && <ErrorState problem={failure.value} />}
        <button class="primary" type="submit">
          Create token
        </button>
      </form>
      {tokens.value.state === 'loading' && <Loading label="Loading tokens" />}
      {tokens.value.state === 'error' && <ErrorState problem={tokens.value.problem} onRetry$={load} />}
      {tokens.value.state === 'ready' &&
        (tokens.value.data.length === 0 ? (
          <Empty>No API tokens.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {tokens.value.data.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{t.role}</td>
                    <td class="mono">{t.prefix}…</td>
                    <td>{new Date(t.expiresAt).toLocaleDateString()}</td>
                    <td>{t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : 'never'}</td>
                    <td>
                      <ConfirmButton
                        label="Revoke"
                        question={`Revoke the token ${t.name}? Anything using it stops working.`}
                        confirmLabel={`Revoke ${t.name}`}
                        onConfirm$={async () => {
                          try {
                            await api.revokeToken(app.tenant, t.id);
                          } catch (err) {
                            failure.value = toProblem(err);
                          }
                          await load();
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
});

export const head: DocumentHead = { title: 'API tokens' };
