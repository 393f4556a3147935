import { component$, useSignal, type QRL } from '@builder.io/qwik';

/** A destructive action behind a confirmation dialog (Escape or Cancel closes it). */
export const ConfirmButton = component$((props: { label: string; question: string; confirmLabel?: string; disabled?: boolean; onConfirm$: QRL<() => void> }) => {
  const dialog = useSignal<HTMLDialogElement>();
  return (
    <>
      <button type="button" class="danger" disabled={props.disabled} onClick$={() => dialog.value?.showModal()}>
        {props.label}
      </button>
      <dialog ref={dialog} aria-label={props.question}>
        <p>{props.question}</p>
        <div class="row">
          <button type="button" onClick$={() => dialog.value?.close()}>
            Cancel
          </button>
          <button
            type="button"
            class="danger"
            onClick$={async () => {
              dialog.value?.close();
              await props.onConfirm$();
            }}
          >
            {props.confirmLabel ?? props.label}
          </button>
        </div>
      </dialog>
    </>
  );
});
