import { component$, useSignal } from '@builder.io/qwik';

/** Copies `text` to the clipboard and says so. */
export const CopyButton = component$((props: { text: string; label?: string }) => {
  const done = useSignal('');
  return (
    <span class="row">
      <button
        type="button"
        onClick$={async () => {
          try {
            await navigator.clipboard.writeText(props.text);
            done.value = 'Copied';
          } catch {
            done.value = 'Copy failed: select the text and copy it by hand';
          }
        }}
      >
        {props.label ?? 'Copy'}
      </button>
      <span role="status" aria-live="polite" class="muted">
        {done.value}
      </span>
    </span>
  );
});
