import { component$, Slot } from '@builder.io/qwik';

export default component$(() => (
  <main id="main" class="auth">
    <p class="brand">
      <span class="dot" aria-hidden="true" /> Berth
    </p>
    <Slot />
  </main>
));
