import { component$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { ClusterList } from '../../../../components/cluster-list/cluster-list.tsx';

export default component$(() => (
  <>
    <h1>Shared clusters</h1>
    <ClusterList scope="platform" canRegister={true} />
  </>
));

export const head: DocumentHead = { title: 'Shared clusters' };
