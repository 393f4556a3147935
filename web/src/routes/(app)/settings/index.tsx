import { component$, useSignal, useStore, useTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { UpdateTenantBody } from '@berth/protocol';
import { currentTenant, useApp } from '../../../components/app/app-context.ts';
import { Field, describe } from '../../../components/field/field.tsx';
import { ConfirmButton } from '../../../components/confirm-button/confirm-button.tsx';
import { ErrorState, Loading } from '../../../components/states/states.tsx';
import { api } from '../../../lib/api.ts';
import { toProblem, type Problem } from '../../../lib/problem.ts';
import { submitForm } from '../../../lib/submit.ts';
import { go, href, rememberTenant } from '../../../lib/session.ts';
import { check, serverFieldErrors, type FieldErrors } from '../../../lib/validate.ts';

/** General settings and branding; the accent colour applies to the whole UI at once. */
export default component$(() => {
  const app = useApp();
  const form = useStore({ name: '', slug: '', displayName: '', logoUrl: '', accentColor: '' });
  const errors = useSignal<FieldErrors>({});
  const saved = useSignal('');
  const deleting = useSignal(false);
  const deleteFailure = useSignal<Problem | null>(null);
  useTask$(({ track }) => {
    track(() => app.ready);
    const t = currentTenant(app);
    if (!t) return;
    Object.assign(form, { name: t.name, slug: t.slug, displayName: t.branding.displayName ?? '', logoUrl: t.branding.logoUrl ?? '', accentColor: t.branding.accentColor ?? '' });
  });
  const tenant = currentTenant(app);
  if (!app.ready) return <Loading label="Loading settings" />;
  if (!tenant) return <ErrorState problem={{ status: 404, code: 'NOT_FOUND', message: 'tenant not found', requestId: null, fields: [] }} />;
  const isAdmin = tenant.role === 'owner' || tenant.role === 'admin';
  const canEdit = isAdmin && tenant.status === 'active';
  return (
    <>
      <h1>Settings</h1>
      {!isAdmin && <p class="state notice">Only owners and admins change these settings; you are a {tenant.role}.</p>}
      <form
        class="card"
        preventdefault:submit
        noValidate
        onSubmit$={async () => {
          saved.value = '';
          const body = { name: form.name, slug: form.slug, displayName: form.displayName || null, logoUrl: form.logoUrl || null, accentColor: form.accentColor || null };
          const v = check(UpdateTenantBody, body);
          if (!v.ok) {
            errors.value = v.errors;
            return;
          }
          try {
            const t = await api.updateTenant(tenant.slug, v.data);
            errors.value = {};
            app.tenants = app.tenants.map((x) => (x.id === t.id ? t : x));
            if (t.slug !== app.tenant) {
              rememberTenant(t.slug);
              return go(href('/settings/', t.slug));
            }
            saved.value = 'Saved.';
          } catch (err) {
            const p = toProblem(err);
            errors.value = p.code === 'SLUG_TAKEN' ? { slug: p.message } : { ...serverFieldErrors(p.fields), form: p.message };
          }
        }}
      >
        <h2>General</h2>
        <div class="grid2">
          <Field id="s-name" label="Name" error={errors.value.name}>
            <input id="s-name" disabled={!canEdit} value={form.name} onInput$={(_, el) => (form.name = el.value)} {...describe('s-name', errors.value.name)} />
          </Field>
          <Field id="s-slug" label="Slug" error={errors.value.slug} hint="Changing it changes every URL of the tenant.">
            <input id="s-slug" disabled={!canEdit} value={form.slug} onInput$={(_, el) => (form.slug = el.value)} {...describe('s-slug', errors.value.slug)} />
          </Field>
        </div>
        <h2>Branding</h2>
        <div class="grid2">
          <Field id="s-display" label="Display name" error={errors.value.displayName}>
            <input id="s-display" disabled={!canEdit} value={form.displayName} onInput$={(_, el) => (form.displayName = el.value)} />
          </Field>
          <Field id="s-logo" label="Logo URL (https)" error={errors.value.logoUrl}>
            <input id="s-logo" type="url" disabled={!canEdit} value={form.logoUrl} onInput$={(_, el) => (form.logoUrl = el.value)} {...describe('s-logo', errors.value.logoUrl)} />
          </Field>
          <Field id="s-accent" label="Accent colour" error={errors.value.accentColor} hint="#rrggbb">
            <div class="row">
              <input id="s-accent" disabled={!canEdit} value={form.accentColor} placeholder="#1f6feb" onInput$={(_, el) => (form.accentColor = el.value)} {...describe('s-accent', errors.value.accentColor)} />
              <input type="color" aria-label="Pick the accent colour" disabled={!canEdit} value={/^#[0-9a-fA-F]{6}$/.test(form.accentColor) ? form.accentColor : '#1f6feb'} onInput$={(_, el) => (form.accentColor = el.value)} />
            </div>
          </Field>
        </div>
        {errors.value.form && (
          <p class="error-text" role="alert">
            {errors.value.form}
          </p>
        )}
        <div class="row">
          <button class="primary" type="submit" disabled={!canEdit}>
            Save
          </button>
          <span role="status" class="muted">
            {saved.value}
          </span>
        </div>
      </form>
      {tenant.role === 'owner' && (
        <section class="card" aria-labelledby="danger-zone">
          <h2 id="danger-zone">Delete tenant</h2>
          {tenant.status === 'deleting' ? (
            <p class="state notice">This tenant is being deleted: its agent services are being removed and it accepts no more changes.</p>
          ) : (
            <>
              <p class="muted">Removes every agent service of {tenant.name} from its clusters and refuses all further changes. Members keep read access to the audit log.</p>
              {deleteFailure.value && <ErrorState problem={deleteFailure.value} />}
              <ConfirmButton
                label="Delete tenant"
                question={`Delete ${tenant.name}? Its agent services are removed from every cluster.`}
                confirmLabel={`Delete ${tenant.name}`}
                disabled={deleting.value}
                onConfirm$={() =>
                  submitForm(deleting, deleteFailure, async () => {
                    const t = await api.deleteTenant(tenant.slug);
                    app.tenants = app.tenants.map((x) => (x.id === t.id ? t : x));
                  })
                }
              />
            </>
          )}
        </section>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Settings' };
