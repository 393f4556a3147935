import { component$ } from '@builder.io/qwik';
import type { ServiceHealth } from '@berth/protocol';

/** A service status as a coloured, labelled badge (colour is never the only signal). */
export const StatusBadge = component$((props: { status: ServiceHealth; pending?: boolean }) => (
  <span class={['badge', props.status]} data-status={props.status} aria-label={`status ${props.status}${props.pending ? ' (updating)' : ''}`}>
    {props.status}
    {props.pending ? ' …' : ''}
  </span>
));
