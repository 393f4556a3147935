import { component$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { AuditViewer } from '../../../components/audit-viewer/audit-viewer.tsx';

export default component$(() => (
  <>
    <h1>Audit log</h1>
    <AuditViewer scope="tenant" />
  </>
));

export const head: DocumentHead = { title: 'Audit log' };
