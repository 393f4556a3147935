import { component$, Slot } from '@builder.io/qwik';
import { Shell } from '../../components/app/shell.tsx';

export default component$(() => (
  <Shell>
    <Slot />
  </Shell>
));
