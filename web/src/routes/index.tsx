import { component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { api } from '../lib/api.ts';
import { toProblem } from '../lib/problem.ts';
import { go, href, lastTenant } from '../lib/session.ts';

/** Decides where to go: setup on first boot, sign-in, the tenant list, or the last tenant. */
export default component$(() => {
  const message = useSignal('Loading Berth');
  useVisibleTask$(
    async () => {
      try {
        if ((await api.setupStatus()).needsSetup) return go('/setup/');
        await api.me();
        const { items } = await api.tenants();
        const last = lastTenant();
        const active = items.filter((t) => t.status === 'active');
        const pick = active.find((t) => t.slug === last) ?? active[0];
        go(pick ? href('/agents/', pick.slug) : '/tenants/');
      } catch (err) {
        const p = toProblem(err);
        if (p.status === 401) go('/sign-in/');
        else message.value = `Berth is not reachable: ${p.message}`;
      }
    },
    { strategy: 'document-ready' },
  );
  return (
    <main id="main" class="auth">
      <p role="status">{message.value}…</p>
    </main>
  );
});

export const head: DocumentHead = { title: 'Home' };
