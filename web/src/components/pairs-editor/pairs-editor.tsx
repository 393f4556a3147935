import { component$ } from '@builder.io/qwik';
import { Field, describe } from '../field/field.tsx';
import type { Pair } from '../../lib/wizard.ts';
import type { FieldErrors } from '../../lib/validate.ts';

/** Rows of name/value pairs with add and remove; secret values use password inputs. */
export const PairsEditor = component$((props: { list: Pair[]; prefix: 'env' | 'secrets'; title: string; keyLabel: string; valueLabel: string; errors: FieldErrors; secret: boolean }) => (
  <fieldset class="card">
    <legend>{props.title}</legend>
    {props.list.length === 0 && <p class="muted">None.</p>}
    {props.list.map((p, i) => {
      const kid = `f-${props.prefix}-${i}-key`;
      const vid = `f-${props.prefix}-${i}-value`;
      const kerr = props.errors[`${props.prefix}.${i}.key`];
      const verr = props.errors[`${props.prefix}.${i}.value`];
      return (
        <div key={i} class="row">
          <Field id={kid} label={`${props.keyLabel} ${i + 1}`} error={kerr}>
            <input id={kid} class="mono" value={p.key} onInput$={(_, el) => (p.key = el.value)} {...describe(kid, kerr)} />
          </Field>
          <Field id={vid} label={`${props.valueLabel} ${i + 1}`} error={verr}>
            <input id={vid} type={props.secret ? 'password' : 'text'} autoComplete="off" value={p.value} onInput$={(_, el) => (p.value = el.value)} {...describe(vid, verr)} />
          </Field>
          <button type="button" aria-label={`Remove ${props.keyLabel.toLowerCase()} ${i + 1}`} onClick$={() => props.list.splice(i, 1)}>
            Remove
          </button>
        </div>
      );
    })}
    <button type="button" onClick$={() => props.list.push({ key: '', value: '' })}>
      Add {props.keyLabel.toLowerCase()}
    </button>
  </fieldset>
));
