import type { ServiceHealth } from '@berth/protocol';

/** A stored agent-service status (the `unknown` of the API is derived, see shown-status.ts). */
export type State = ServiceHealth;

/**
 * What moves a status, and who sends it:
 * - `create`, `update`, `scale`, `restart`, `stop`, `start`, `remove`: the API (an operator);
 * - `tenant-deleted`: the tenant's deletion, for each service it still has;
 * - `observed`: an agent's status event; `vanished`: one that reports a live service gone;
 * - `command-failed`: a service command answered failed, or cancelled before it went out;
 * - `remove-done`: a `service.remove` answered done;
 * - `drift`: a reconcile repaired (or could not repair) drift; the status stays, history notes it.
 */
export type Event = 'create' | 'update' | 'scale' | 'restart' | 'stop' | 'start' | 'remove' | 'tenant-deleted' | 'observed' | 'vanished' | 'command-failed' | 'remove-done' | 'drift';

/**
 * What an event does to a status:
 * - a State: it becomes that;
 * - `desired`: `stopped` if 0 replicas are desired, else `deploying`;
 * - `observed`: it becomes what the agent observed; `observed-removal`: only `removed` or
 *   `failed` are taken, anything else is ignored;
 * - `same`: the status stays and no row is written, but history and stream note the event;
 * - `ignore`: nothing is written (a late or stale report);
 * - `refuse`: an IllegalTransition (409 CONFLICT) before anything is written.
 */
export type Outcome = State | 'desired' | 'observed' | 'observed-removal' | 'same' | 'ignore' | 'refuse';

/** The operator's actions on a service that is still there (not being removed). */
const ACTIONS = { update: 'desired', scale: 'desired', restart: 'desired', stop: 'stopped', start: 'deploying', remove: 'removing' } as const;
/** What agents report about a service that is still there. */
const REPORTS = { 'tenant-deleted': 'removing', observed: 'observed', vanished: 'degraded', 'command-failed': 'failed', 'remove-done': 'removed', drift: 'same' } as const;
const LIVE: Record<Event, Outcome> = { create: 'refuse', ...ACTIONS, ...REPORTS };

/**
 * The agent-service lifecycle: state × event → outcome. Every status change in the edge is
 * looked up here, by transition() (transition.ts). transitions.test.ts reads the edges below and
 * checks that they are exactly this table.
 *
 * ```
 *   (new) ──create──► pending, or stopped when created with 0 replicas
 *   pending ──► deploying ──► running ◄──► degraded ──► failed    (as the agent observes it)
 *
 *   live     ──create──► 409
 *   live     ──update, scale, restart──► deploying | stopped      (stopped when 0 replicas are desired)
 *   live     ──start──► deploying
 *   live     ──stop──► stopped
 *   live     ──remove, tenant-deleted──► removing
 *   live     ──observed──► as observed
 *   live     ──vanished──► degraded                              (and a reconcile puts it back)
 *   live     ──command-failed──► failed
 *   live     ──remove-done──► removed
 *   removing ──create, update, scale, restart, stop, start──► 409
 *   removing ──remove──► removing                                (the remove is sent again)
 *   removing ──tenant-deleted, vanished──► ignored
 *   removing ──observed──► as observed if removed or failed, else ignored
 *   removing ──command-failed──► failed
 *   removing ──remove-done──► removed
 *   removed  ──create, update, scale, restart, stop, start, remove──► 409
 *   removed  ──tenant-deleted, observed, vanished, command-failed, remove-done──► ignored
 *   any      ──drift──► same status, noted in history
 *
 *   live = pending | deploying | running | degraded | failed | stopped | unknown
 * ```
 * 409 is an IllegalTransition (code CONFLICT); ignored writes nothing. `unknown` is never stored
 * by the edge (the API derives it); a row holding it is treated as live.
 */
export const TRANSITIONS: Record<State, Record<Event, Outcome>> = {
  pending: LIVE,
  deploying: LIVE,
  running: LIVE,
  degraded: LIVE,
  failed: LIVE,
  stopped: LIVE,
  unknown: LIVE,
  removing: {
    create: 'refuse',
    update: 'refuse',
    scale: 'refuse',
    restart: 'refuse',
    stop: 'refuse',
    start: 'refuse',
    remove: 'removing',
    'tenant-deleted': 'ignore',
    observed: 'observed-removal',
    vanished: 'ignore',
    'command-failed': 'failed',
    'remove-done': 'removed',
    drift: 'same',
  },
  removed: {
    create: 'refuse',
    update: 'refuse',
    scale: 'refuse',
    restart: 'refuse',
    stop: 'refuse',
    start: 'refuse',
    remove: 'refuse',
    'tenant-deleted': 'ignore',
    observed: 'ignore',
    vanished: 'ignore',
    'command-failed': 'ignore',
    'remove-done': 'ignore',
    drift: 'same',
  },
};

/** The facts an outcome may depend on: desired replicas, or what the agent observed. */
export interface EventFacts {
  replicas?: number;
  observed?: State;
}

export type Resolved = { kind: 'to'; status: State } | { kind: 'same' } | { kind: 'ignore' } | { kind: 'refuse' };

/** A new service's status: `pending`, or `stopped` when it is created with 0 replicas. */
export function initialStatus(replicas: number): State {
  return replicas === 0 ? 'stopped' : 'pending';
}

/** Looks `event` up for a service in `from` and resolves the outcome against `facts`. */
export function resolve(from: State, event: Event, facts: EventFacts = {}): Resolved {
  const outcome = TRANSITIONS[from][event];
  switch (outcome) {
    case 'same':
    case 'ignore':
    case 'refuse':
      return { kind: outcome };
    case 'desired':
      return { kind: 'to', status: (facts.replicas ?? 0) === 0 ? 'stopped' : 'deploying' };
    case 'observed':
      return facts.observed ? { kind: 'to', status: facts.observed } : { kind: 'ignore' };
    case 'observed-removal':
      return facts.observed === 'removed' || facts.observed === 'failed' ? { kind: 'to', status: facts.observed } : { kind: 'ignore' };
    default:
      return { kind: 'to', status: outcome };
  }
}
