/**
 * Lifecycle of the agent's edge connection.
 * ```
 *            start                 open                 edge:welcome
 *   idle ───────────► connecting ───────► authenticating ─────────────► ready
 *                        ▲   │ close          │ close / timeout           │ close / dead ping
 *                        │   ▼                ▼                           │
 *                        └── backoff ◄────────┴───────────────────────────┘
 *                  retry (jittered, capped)
 *   any state ── stop ──► stopped   (terminal)
 * ```
 * In `authenticating` the agent answers `edge:challenge` with `agent:hello`; only `ready` accepts
 * commands and sends heartbeats and results.
 */
export type ConnState = 'idle' | 'connecting' | 'authenticating' | 'ready' | 'backoff' | 'stopped';

/** Inputs that move the connection between states. */
export type ConnEvent = 'start' | 'open' | 'welcome' | 'close' | 'retry' | 'stop';

/** Allowed transitions; anything missing is ignored (e.g. a late `close` after `stop`). */
export const TRANSITIONS: Record<ConnState, Partial<Record<ConnEvent, ConnState>>> = {
  idle: { start: 'connecting', stop: 'stopped' },
  connecting: { open: 'authenticating', close: 'backoff', stop: 'stopped' },
  authenticating: { welcome: 'ready', close: 'backoff', stop: 'stopped' },
  ready: { close: 'backoff', stop: 'stopped' },
  backoff: { retry: 'connecting', stop: 'stopped' },
  stopped: {},
};

/** The next state, or undefined when the event does not apply in `from`. */
export function nextState(from: ConnState, event: ConnEvent): ConnState | undefined {
  return TRANSITIONS[from][event];
}
