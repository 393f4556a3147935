import { component$, Slot, type QRL } from '@builder.io/qwik';
import type { Problem } from '../../lib/problem.ts';

/** Loading, empty and error are separate components so a view shows exactly one of them. */
export const Loading = component$((props: { label: string }) => (
  <div class="state" role="status" aria-live="polite" data-state="loading">
    {props.label}…
  </div>
));

export const Empty = component$(() => (
  <div class="state" data-state="empty">
    <Slot />
  </div>
));

export const ErrorState = component$((props: { problem: Problem; onRetry$?: QRL<() => void> }) => (
  <div class="state error" role="alert" data-state="error" data-code={props.problem.code}>
    <strong>{props.problem.status === 404 ? 'Not found' : 'Something went wrong'}:</strong> {props.problem.message}
    {props.problem.requestId && <span class="muted mono"> (request {props.problem.requestId})</span>}
    {props.onRetry$ && (
      <div>
        <button type="button" onClick$={props.onRetry$}>
          Retry
        </button>
      </div>
    )}
  </div>
));
