import { component$, useVisibleTask$, useSignal } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { useApp } from '../../../components/app/app-context.ts';
import { api } from '../../../lib/api.ts';
import { go, href, query } from '../../../lib/session.ts';

/** After asking to join: waits, and moves on by itself once an admin approves. */
export default component$(() => {
  const app = useApp();
  const slug = useSignal('');
  useVisibleTask$(
    ({ track, cleanup }) => {
      if (!track(() => app.ready)) return;
      slug.value = query('t');
      const timer = setInterval(async () => {
        const { items } = await api.tenants().catch(() => ({ items: [] }));
        if (items.some((t) => t.slug === slug.value)) go(href('/agents/', slug.value));
      }, 5000);
      cleanup(() => clearInterval(timer));
    },
    { strategy: 'document-ready' },
  );
  return (
    <>
      <h1>Waiting for approval</h1>
      <div class="state notice" role="status">
        Your request to join <strong>{slug.value || 'the tenant'}</strong> is with its administrators. This page moves on by itself once they approve it.
      </div>
      <p>
        <a href="/tenants/">Back to your tenants</a>
      </p>
    </>
  );
});

export const head: DocumentHead = { title: 'Waiting for approval' };
