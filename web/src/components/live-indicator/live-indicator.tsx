import { component$ } from '@builder.io/qwik';
import type { StreamState } from '../../lib/events.ts';

/** Whether the page is receiving live status updates. */
export const LiveIndicator = component$((props: { state: StreamState }) => (
  <span class={['badge', props.state === 'live' ? 'ok' : 'unknown']} role="status" data-stream={props.state}>
    {props.state === 'live' ? 'Live' : props.state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
  </span>
));
