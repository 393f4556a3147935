import { component$, useSignal, useStore, useVisibleTask$, $ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import type { Usage } from '@berth/protocol';
import { useApp } from '../../../../components/app/app-context.ts';
import { Field, describe } from '../../../../components/field/field.tsx';
import { ErrorState } from '../../../../components/states/states.tsx';
import { PairsEditor } from '../../../../components/pairs-editor/pairs-editor.tsx';
import { api } from '../../../../lib/api.ts';
import { settle, toProblem, type Loadable, type Problem } from '../../../../lib/problem.ts';
import { go, href } from '../../../../lib/session.ts';
import { serverFieldErrors, type FieldErrors } from '../../../../lib/validate.ts';
import { STEPS, STEP_TITLES, draftPath, emptyDraft, quotaErrors, remaining, stepOf, toBody, validateStep, type Step, type WizardDraft } from '../../../../lib/wizard.ts';

/** image → env & secrets → replicas & limits (live quota check) → health check → review → create. */
export default component$(() => {
  const app = useApp();
  const draft = useStore<WizardDraft>(emptyDraft());
  const step = useSignal<Step>('image');
  const errors = useSignal<FieldErrors>({});
  const usage = useSignal<Loadable<Usage>>({ state: 'loading' });
  const submitting = useSignal(false);
  const failure = useSignal<Problem | null>(null);
  const heading = useSignal<HTMLElement>();
  const idempotencyKey = useSignal('');

  const loadUsage = $(async () => {
    usage.value = { state: 'loading' };
    usage.value = await settle(api.usage(app.tenant));
  });
  useVisibleTask$(
    async ({ track }) => {
      if (!track(() => app.ready)) return;
      idempotencyKey.value = crypto.randomUUID();
      await loadUsage();
    },
    { strategy: 'document-ready' },
  );
  useVisibleTask$(({ track }) => {
    track(() => step.value);
    heading.value?.focus();
  });

  const u = usage.value.state === 'ready' ? usage.value.data : null;
  const index = STEPS.indexOf(step.value);
  const liveQuota = quotaErrors(u, draft);
  const err = (k: string) => errors.value[k] ?? (step.value === 'resources' ? liveQuota[k] : undefined);

  const next = $(() => {
    const found = validateStep(step.value, draft, u);
    errors.value = found;
    if (Object.keys(found).length > 0) {
      const first = Object.keys(found)[0] ?? '';
      document.getElementById(`f-${first.replace(/\./g, '-')}`)?.focus();
      return;
    }
    step.value = STEPS[STEPS.indexOf(step.value) + 1] ?? step.value;
  });

  const create = $(async () => {
    const all = validateStep('review', draft, u);
    if (Object.keys(all).length > 0) {
      errors.value = all;
      step.value = stepOf(Object.keys(all)[0] ?? '');
      return;
    }
    const body = toBody(draft);
    if (!body.ok) {
      errors.value = body.errors;
      return;
    }
    submitting.value = true;
    failure.value = null;
    try {
      const created = await api.createAgent(app.tenant, body.data, idempotencyKey.value);
      go(href('/agents/detail/', app.tenant, { a: created.id }));
    } catch (e) {
      const p = toProblem(e);
      if (p.fields.length > 0) {
        const mapped: FieldErrors = {};
        for (const [path, msg] of Object.entries(serverFieldErrors(p.fields))) mapped[draftPath(path, draft)] = msg;
        errors.value = mapped;
        step.value = stepOf(Object.keys(mapped)[0] ?? '');
      }
      // A refusal is final for this key; a new attempt is a new request.
      if (p.status >= 400 && p.status < 500) idempotencyKey.value = crypto.randomUUID();
      failure.value = p;
    } finally {
      submitting.value = false;
    }
  });

  return (
    <>
      <h1>New agent service</h1>
      <ol class="steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={s === step.value ? 'step' : undefined}>
            {i + 1}. {STEP_TITLES[s]}
          </li>
        ))}
      </ol>
      <form preventdefault:submit noValidate class="card" onSubmit$={() => (step.value === 'review' ? create() : next())}>
        <h2 ref={heading} tabIndex={-1} id="step-title">
          {STEP_TITLES[step.value]}
        </h2>

        {step.value === 'image' && (
          <div class="grid2">
            <Field id="f-name" label="Service name" error={err('name')} hint="Lower-case letters, digits and dashes.">
              <input id="f-name" value={draft.name} onInput$={(_, el) => (draft.name = el.value)} {...describe('f-name', err('name'))} />
            </Field>
            <Field id="f-image" label="Image" error={err('image')} hint="For example ghcr.io/acme/gateway:1.4">
              <input id="f-image" class="mono" value={draft.image} onInput$={(_, el) => (draft.image = el.value)} {...describe('f-image', err('image'))} />
            </Field>
            <Field id="f-command" label="Command (optional)" error={err('command')} hint="Replaces the image's command; quotes group words.">
              <input id="f-command" class="mono" value={draft.command} onInput$={(_, el) => (draft.command = el.value)} {...describe('f-command', err('command'))} />
            </Field>
          </div>
        )}

        {step.value === 'env' && (
          <>
            <PairsEditor list={draft.env} prefix="env" title="Environment variables" keyLabel="Variable" valueLabel="Value" errors={errors.value} secret={false} />
            <PairsEditor list={draft.secrets} prefix="secrets" title="Secrets (write-only: never shown again)" keyLabel="Secret name" valueLabel="Secret value" errors={errors.value} secret={true} />
          </>
        )}

        {step.value === 'resources' && (
          <>
            {usage.value.state === 'error' && <ErrorState problem={usage.value.problem} onRetry$={loadUsage} />}
            {u && (
              <p class="muted" role="status" aria-live="polite" data-testid="quota-left">
                Quota left: {remaining(u).replicas} replicas, {Math.round(remaining(u).cpu * 100) / 100} CPU, {remaining(u).memoryMb} MiB, {remaining(u).services} services.
              </p>
            )}
            <div class="grid2">
              <Field id="f-replicas" label="Replicas" error={err('replicas')}>
                <input id="f-replicas" type="number" min={0} max={100} step={1} value={draft.replicas} onInput$={(_, el) => (draft.replicas = el.value)} {...describe('f-replicas', err('replicas'))} />
              </Field>
              <Field id="f-cpu" label="CPU per replica (cores)" error={err('cpu')}>
                <input id="f-cpu" type="number" min={0.01} step={0.01} value={draft.cpu} onInput$={(_, el) => (draft.cpu = el.value)} {...describe('f-cpu', err('cpu'))} />
              </Field>
              <Field id="f-memoryMb" label="Memory per replica (MiB)" error={err('memoryMb')}>
                <input id="f-memoryMb" type="number" min={4} step={1} value={draft.memoryMb} onInput$={(_, el) => (draft.memoryMb = el.value)} {...describe('f-memoryMb', err('memoryMb'))} />
              </Field>
            </div>
          </>
        )}

        {step.value === 'health' && (
          <>
            <div class="field">
              <label>
                <input type="checkbox" checked={draft.healthcheck} onChange$={(_, el) => (draft.healthcheck = el.checked)} /> Check the container's health
              </label>
            </div>
            {draft.healthcheck && (
              <>
                <Field id="f-hcCommand" label="Command (run by the shell in the container)" error={err('hcCommand')}>
                  <input id="f-hcCommand" class="mono" value={draft.hcCommand} onInput$={(_, el) => (draft.hcCommand = el.value)} {...describe('f-hcCommand', err('hcCommand'))} />
                </Field>
                <div class="grid2">
                  {(
                    [
                      ['hcIntervalS', 'Interval (s)'],
                      ['hcTimeoutS', 'Timeout (s)'],
                      ['hcRetries', 'Retries'],
                      ['hcStartPeriodS', 'Start period (s)'],
                    ] as const
                  ).map(([k, label]) => (
                    <Field key={k} id={`f-${k}`} label={label} error={err(k)}>
                      <input id={`f-${k}`} type="number" min={0} value={draft[k]} onInput$={(_, el) => (draft[k] = el.value)} {...describe(`f-${k}`, err(k))} />
                    </Field>
                  ))}
                </div>
              </>
            )}
          </>
        )}

        {step.value === 'review' && (
          <dl class="grid2" data-testid="review">
            <dt>Name</dt>
            <dd>{draft.name}</dd>
            <dt>Image</dt>
            <dd class="mono">{draft.image}</dd>
            <dt>Command</dt>
            <dd class="mono">{draft.command || 'the image default'}</dd>
            <dt>Environment</dt>
            <dd>{draft.env.length ? draft.env.map((p) => p.key).join(', ') : 'none'}</dd>
            <dt>Secrets</dt>
            <dd>{draft.secrets.length ? draft.secrets.map((p) => `${p.key} (value hidden)`).join(', ') : 'none'}</dd>
            <dt>Replicas × limits</dt>
            <dd>
              {draft.replicas} × {draft.cpu} CPU, {draft.memoryMb} MiB
            </dd>
            <dt>Health check</dt>
            <dd class="mono">{draft.healthcheck ? draft.hcCommand : 'none'}</dd>
          </dl>
        )}

        {failure.value && (
          <div class="state error" role="alert" data-code={failure.value.code}>
            Could not create: {failure.value.message}
            {failure.value.requestId && <span class="muted mono"> (request {failure.value.requestId})</span>}
          </div>
        )}

        <div class="row">
          {index > 0 && (
            <button type="button" onClick$={() => (step.value = STEPS[STEPS.indexOf(step.value) - 1] ?? 'image')}>
              Back
            </button>
          )}
          {step.value === 'review' ? (
            <button class="primary" type="submit" disabled={submitting.value}>
              {submitting.value ? 'Creating…' : failure.value ? 'Retry create' : 'Create agent service'}
            </button>
          ) : (
            <button class="primary" type="submit">
              Next
            </button>
          )}
        </div>
      </form>
    </>
  );
});

export const head: DocumentHead = { title: 'New agent service' };
