import { component$, useSignal, useStore, useVisibleTask$, $ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { CreateTenantBody, Slug } from '@berth/protocol';
import { useApp } from '../../../components/app/app-context.ts';
import { Field, describe } from '../../../components/field/field.tsx';
import { Empty, ErrorState, Loading } from '../../../components/states/states.tsx';
import { api, type MyInvitation } from '../../../lib/api.ts';
import { settle, toProblem, type Loadable } from '../../../lib/problem.ts';
import { go, href, rememberTenant } from '../../../lib/session.ts';
import { check, serverFieldErrors, type FieldErrors } from '../../../lib/validate.ts';

const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);

/** Invitations and join requests wait for a confirmed address; this offers the link again. */
const ConfirmEmail = component$((props: { email: string }) => {
  const sent = useSignal('');
  return (
    <div class="state" role="status" data-testid="confirm-email">
      <p>
        Confirm your email address to see invitations sent to it: open the link we mailed to <strong>{props.email}</strong> while signed in.
      </p>
      {sent.value ? (
        <p>{sent.value}</p>
      ) : (
        <button
          type="button"
          onClick$={async () => {
            try {
              await api.resendVerification(props.email);
              sent.value = 'A new link is on its way.';
            } catch (err) {
              sent.value = toProblem(err).message;
            }
          }}
        >
          Mail the link again
        </button>
      )}
    </div>
  );
});

/** Your tenants, invitations waiting for you, a new tenant, or asking to join one. */
export default component$(() => {
  const app = useApp();
  const invites = useSignal<Loadable<MyInvitation[]>>({ state: 'loading' });
  const create = useStore({ name: '', slug: '', slugTouched: false });
  const createErrors = useSignal<FieldErrors>({});
  const join = useStore({ slug: '', message: '' });
  const joinErrors = useSignal<FieldErrors>({});

  const loadInvites = $(async () => {
    invites.value = { state: 'loading' };
    invites.value = await settle(api.myInvitations().then((r) => r.items));
  });
  useVisibleTask$(
    async ({ track }) => {
      if (!track(() => app.ready)) return;
      await loadInvites();
    },
    { strategy: 'document-ready' },
  );

  return (
    <>
      <h1>Tenants</h1>
      <section class="card" aria-labelledby="mine">
        <h2 id="mine">Your tenants</h2>
        {!app.ready ? (
          <Loading label="Loading your tenants" />
        ) : app.tenants.length === 0 ? (
          <Empty>You do not belong to a tenant yet. Create one, accept an invitation, or ask to join.</Empty>
        ) : (
          <ul>
            {app.tenants.map((t) => (
              <li key={t.id}>
                <a href={href('/agents/', t.slug)}>{t.name}</a> <span class="muted">({t.slug}, {t.role})</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="invites">
        <h2 id="invites">Invitations for you</h2>
        {invites.value.state === 'loading' && <Loading label="Loading invitations" />}
        {invites.value.state === 'error' && invites.value.problem.code === 'EMAIL_NOT_VERIFIED' && <ConfirmEmail email={app.me?.email ?? ''} />}
        {invites.value.state === 'error' && invites.value.problem.code !== 'EMAIL_NOT_VERIFIED' && <ErrorState problem={invites.value.problem} onRetry$={loadInvites} />}
        {invites.value.state === 'ready' &&
          (invites.value.data.length === 0 ? (
            <Empty>No pending invitations.</Empty>
          ) : (
            <ul>
              {invites.value.data.map((i) => (
                <li key={i.id} class="row">
                  <span>
                    <strong>{i.tenantName}</strong> invites you as {i.role}
                  </span>
                  <button
                    type="button"
                    class="primary"
                    onClick$={async () => {
                      try {
                        await api.acceptInvitation(i.id);
                        rememberTenant(i.tenantSlug);
                        go(href('/agents/', i.tenantSlug));
                      } catch (err) {
                        invites.value = { state: 'error', problem: toProblem(err) };
                      }
                    }}
                  >
                    Accept invitation to {i.tenantName}
                  </button>
                </li>
              ))}
            </ul>
          ))}
      </section>

      <section class="card" aria-labelledby="create">
        <h2 id="create">Create a tenant</h2>
        <form
          preventdefault:submit
          noValidate
          onSubmit$={async () => {
            const v = check(CreateTenantBody, { name: create.name, slug: create.slug });
            if (!v.ok) {
              createErrors.value = v.errors;
              return;
            }
            try {
              const t = await api.createTenant(v.data);
              rememberTenant(t.slug);
              go(href('/agents/', t.slug));
            } catch (err) {
              const p = toProblem(err);
              createErrors.value = p.code === 'SLUG_TAKEN' ? { slug: p.message } : { ...serverFieldErrors(p.fields), form: p.message };
            }
          }}
        >
          <div class="grid2">
            <Field id="tenant-name" label="Name" error={createErrors.value.name}>
              <input
                id="tenant-name"
                value={create.name}
                onInput$={(_, el) => {
                  create.name = el.value;
                  if (!create.slugTouched) create.slug = slugify(el.value);
                }}
                {...describe('tenant-name', createErrors.value.name)}
              />
            </Field>
            <Field id="tenant-slug" label="Slug (used in URLs)" error={createErrors.value.slug}>
              <input
                id="tenant-slug"
                value={create.slug}
                onInput$={(_, el) => {
                  create.slug = el.value;
                  create.slugTouched = true;
                }}
                {...describe('tenant-slug', createErrors.value.slug)}
              />
            </Field>
          </div>
          {createErrors.value.form && (
            <p class="error-text" role="alert">
              {createErrors.value.form}
            </p>
          )}
          <button class="primary" type="submit">
            Create tenant
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="join">
        <h2 id="join">Ask to join a tenant</h2>
        <form
          preventdefault:submit
          noValidate
          onSubmit$={async () => {
            const v = check(Slug, join.slug);
            if (!v.ok) {
              joinErrors.value = { slug: Object.values(v.errors)[0] ?? 'invalid slug' };
              return;
            }
            try {
              await api.requestToJoin(join.slug, join.message.trim() || undefined);
              go(`/waiting/?t=${encodeURIComponent(join.slug)}`);
            } catch (err) {
              const p = toProblem(err);
              joinErrors.value = { slug: p.status === 404 ? 'no tenant with this slug' : p.message };
            }
          }}
        >
          <div class="grid2">
            <Field id="join-slug" label="Tenant slug" error={joinErrors.value.slug}>
              <input id="join-slug" value={join.slug} onInput$={(_, el) => (join.slug = el.value)} {...describe('join-slug', joinErrors.value.slug)} />
            </Field>
            <Field id="join-message" label="Message to the admins (optional)">
              <input id="join-message" maxLength={500} value={join.message} onInput$={(_, el) => (join.message = el.value)} />
            </Field>
          </div>
          <button type="submit">Request to join</button>
        </form>
      </section>
    </>
  );
});

export const head: DocumentHead = { title: 'Tenants' };
