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

/**
 * Sets a tenant's quota by slug. Platform admins get no silent access to tenant contents, so the
 * current values are not read here (members see them under Quota & usage); the form sets all four.
 */
export default component$(() => {
  const slug = useSignal('');
  const form = useStore<Record<(typeof KEYS)[number][0], string>>({ maxAgentServices: '5', maxTotalReplicas: '10', maxCpuCores: '4', maxMemoryMb: '8192' });
  const errors = useSignal<FieldErrors>({});
  const failure = useSignal<Problem | null>(null);
  const saved = useSignal('');
  return (
    <>
      <h1>Quotas</h1>
      <form
        class="card"
        preventdefault:submit
        noValidate
        onSubmit$={async () => {
          failure.value = null;
          saved.value = '';
          const found: FieldErrors = {};
          if (!check(Slug, slug.value).ok) found.slug = 'use a tenant slug';
          const v = check(Quota, Object.fromEntries(KEYS.map(([k]) => [k, form[k].trim() === '' ? Number.NaN : Number(form[k])])));
          if (!v.ok) Object.assign(found, v.errors);
          errors.value = found;
          if (!v.ok || Object.keys(found).length > 0) return;
          try {
            const q = await api.setQuota(slug.value, v.data);
            for (const [k] of KEYS) form[k] = String(q[k]);
            saved.value = `Saved the quota of ${slug.value}.`;
          } catch (err) {
            failure.value = toProblem(err);
          }
        }}
      >
        <Field id="q-slug" label="Tenant slug" error={errors.value.slug}>
          <input id="q-slug" value={slug.value} onInput$={(_, el) => (slug.value = el.value)} {...describe('q-slug', errors.value.slug)} />
        </Field>
        <div class="grid2">
          {KEYS.map(([k, label]) => (
            <Field key={k} id={`q-${k}`} label={label} error={errors.value[k]}>
              <input id={`q-${k}`} type="number" min={0} value={form[k]} onInput$={(_, el) => (form[k] = el.value)} {...describe(`q-${k}`, errors.value[k])} />
            </Field>
          ))}
        </div>
        {failure.value && <ErrorState problem={failure.value} />}
        <div class="row">
          <button class="primary" type="submit">
            Save quota
          </button>
          <span role="status" class="muted">
            {saved.value}
          </span>
        </div>
      </form>
    </>
  );
});

export const head: DocumentHead = { title: 'Quotas' };
