import { component$, useSignal, useStore } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { Quota, Slug } from '@berth/protocol';
import { Field, describe } from '../../../../components/field/field.tsx';
import { ErrorState } from '../../../../components/states/states.tsx';
import { api } from '../../../../lib/api.ts';
import { toProblem, type Problem } from '../../../../lib/problem.ts';
import { check, type FieldErrors } from '../../../../lib/validate.ts';

const KEYS = [
  ['maxAgentServices', 'Agent services'],
  ['maxTotalReplicas', 'Total replicas'],
  ['maxCpuCores', 'CPU cores'],
  ['maxMemoryMb', 'Memory (MiB)'],
] as const;

/** A tenant's quota, by slug (platform admins manage quotas without seeing tenant contents). */
export default component$(() => {
  const slug = useSignal('');
  const loaded = useSignal('');
  const form = useStore<Record<(typeof KEYS)[number][0], string>>({ maxAgentServices: '', maxTotalReplicas: '', maxCpuCores: '', maxMemoryMb: '' });
  const errors = useSignal<FieldErrors>({});
  const failure = useSignal<Problem | null>(null);
  const saved = useSignal('');
  return (
    <>
      <h1>Quotas</h1>
      <form
        class="card row"
        preventdefault:submit
        onSubmit$={async () => {
          failure.value = null;
          saved.value = '';
          if (!check(Slug, slug.value).ok) {
            errors.value = { slug: 'use a tenant slug' };
            return;
          }
          try {
            const q = await api.quota(slug.value);
            for (const [k] of KEYS) form[k] = String(q[k]);
            loaded.value = slug.value;
            errors.value = {};
          } catch (err) {
            failure.value = toProblem(err);
          }
        }}
      >
        <Field id="q-slug" label="Tenant slug" error={errors.value.slug}>
          <input id="q-slug" value={slug.value} onInput$={(_, el) => (slug.value = el.value)} {...describe('q-slug', errors.value.slug)} />
        </Field>
        <button type="submit">Load quota</button>
      </form>
      {failure.value && <ErrorState problem={failure.value} />}
      {loaded.value && (
        <form
          class="card"
          preventdefault:submit
          noValidate
          onSubmit$={async () => {
            const v = check(Quota, Object.fromEntries(KEYS.map(([k]) => [k, Number(form[k])])));
            if (!v.ok) {
              errors.value = v.errors;
              return;
            }
            try {
              await api.setQuota(loaded.value, v.data);
              errors.value = {};
              saved.value = `Saved the quota of ${loaded.value}.`;
            } catch (err) {
              failure.value = toProblem(err);
            }
          }}
        >
          <h2>Quota of {loaded.value}</h2>
          <div class="grid2">
            {KEYS.map(([k, label]) => (
              <Field key={k} id={`q-${k}`} label={label} error={errors.value[k]}>
                <input id={`q-${k}`} type="number" min={0} value={form[k]} onInput$={(_, el) => (form[k] = el.value)} {...describe(`q-${k}`, errors.value[k])} />
              </Field>
            ))}
          </div>
          <div class="row">
            <button class="primary" type="submit">
              Save quota
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

export const head: DocumentHead = { title: 'Quotas' };
