import { component$, Slot } from '@builder.io/qwik';

/**
 * A labelled form field: the control is the slot and must carry `id={props.id}`; the error is
 * announced and linked with `aria-describedby={`${id}-error`}`.
 */
export const Field = component$((props: { id: string; label: string; error?: string; hint?: string }) => (
  <div class="field">
    <label for={props.id}>{props.label}</label>
    <Slot />
    {props.hint && (
      <span class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </span>
    )}
    {props.error && (
      <span class="error" id={`${props.id}-error`} role="alert">
        {props.error}
      </span>
    )}
  </div>
));

/** The aria attributes a control inside <Field> needs. */
export const describe = (id: string, error?: string) => ({ 'aria-invalid': error ? ('true' as const) : ('false' as const), 'aria-describedby': error ? `${id}-error` : undefined });
