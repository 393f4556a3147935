import { component$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { currentTenant, useApp } from '../../../../components/app/app-context.ts';
import { ClusterList } from '../../../../components/cluster-list/cluster-list.tsx';

export default component$(() => {
  const app = useApp();
  const role = currentTenant(app)?.role;
  return (
    <>
      <h1>Clusters</h1>
      <ClusterList scope="tenant" canRegister={role === 'owner' || role === 'admin'} />
    </>
  );
});

export const head: DocumentHead = { title: 'Clusters' };
