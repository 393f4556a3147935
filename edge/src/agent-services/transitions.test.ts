import { readFileSync } from 'node:fs';
import { ServiceHealth } from '@berth/protocol';
import { describe, expect, it } from 'vitest';
import { initialStatus, resolve, TRANSITIONS, type Event, type Outcome, type State } from './transitions.ts';

const STATES = ServiceHealth.options;
const EVENTS: Event[] = ['create', 'update', 'scale', 'restart', 'stop', 'start', 'remove', 'tenant-deleted', 'observed', 'vanished', 'command-failed', 'remove-done', 'drift'];
const LIVE: State[] = ['pending', 'deploying', 'running', 'degraded', 'failed', 'stopped', 'unknown'];
const TARGETS: Record<string, Outcome> = {
  '409': 'refuse',
  ignored: 'ignore',
  'deploying | stopped': 'desired',
  'as observed': 'observed',
  'as observed if removed or failed, else ignored': 'observed-removal',
  'same status, noted in history': 'same',
};

/** The edges drawn in the doc comment of transitions.ts, one cell per (state, event). */
function diagramCells(): Map<string, Outcome[]> {
  const source = readFileSync(new URL('./transitions.ts', import.meta.url), 'utf8');
  const cells = new Map<string, Outcome[]>();
  for (const line of source.split('\n')) {
    const m = /^\s*\*\s+(live|removing|removed|any)\s+──(.+?)──► (.+?)(?:\s{2,}\(.*\))?$/.exec(line);
    if (!m) continue;
    const [, from = '', events = '', target = ''] = m;
    const states: State[] = from === 'live' ? LIVE : from === 'any' ? STATES : [from as State];
    const outcome = TARGETS[target.trim()] ?? (target.trim() as Outcome);
    for (const state of states) {
      for (const event of events.split(',').map((e) => e.trim())) {
        const key = `${state} × ${event}`;
        cells.set(key, [...(cells.get(key) ?? []), outcome]);
      }
    }
  }
  return cells;
}

describe('the agent-service transition table', () => {
  it('answers every state × event', () => {
    for (const state of STATES) {
      expect(Object.keys(TRANSITIONS[state]).sort()).toEqual([...EVENTS].sort());
      for (const event of EVENTS) expect(resolve(state, event, { replicas: 1, observed: 'running' }).kind).toMatch(/^(to|same|ignore|refuse)$/);
    }
  });

  it('draws in its diagram exactly the edges of the table, each once', () => {
    const cells = diagramCells();
    const drawn = Object.fromEntries([...cells].map(([key, outcomes]) => [key, outcomes.length === 1 ? outcomes[0] : outcomes]));
    const table = Object.fromEntries(STATES.flatMap((s) => EVENTS.map((e) => [`${s} × ${e}`, TRANSITIONS[s][e]])));
    expect(drawn).toEqual(table);
  });

  it('creates a service pending, or stopped with 0 replicas', () => {
    expect(initialStatus(2)).toBe('pending');
    expect(initialStatus(0)).toBe('stopped');
  });

  it('deploys or stops what the operator asks for a live service', () => {
    expect(resolve('running', 'scale', { replicas: 3 })).toEqual({ kind: 'to', status: 'deploying' });
    expect(resolve('running', 'update', { replicas: 0 })).toEqual({ kind: 'to', status: 'stopped' });
    expect(resolve('stopped', 'start')).toEqual({ kind: 'to', status: 'deploying' });
  });

  it('refuses every action but remove on a service being removed, and every action on a removed one', () => {
    for (const event of ['update', 'scale', 'restart', 'stop', 'start'] as const) expect(resolve('removing', event).kind).toBe('refuse');
    expect(resolve('removing', 'remove')).toEqual({ kind: 'to', status: 'removing' });
    expect(resolve('removed', 'remove').kind).toBe('refuse');
  });

  it('takes only removed or failed from the agent while removing, and nothing once removed', () => {
    expect(resolve('removing', 'observed', { observed: 'running' }).kind).toBe('ignore');
    expect(resolve('removing', 'observed', { observed: 'removed' })).toEqual({ kind: 'to', status: 'removed' });
    expect(resolve('removing', 'command-failed')).toEqual({ kind: 'to', status: 'failed' });
    for (const event of ['observed', 'vanished', 'command-failed', 'remove-done'] as const) expect(resolve('removed', event, { observed: 'running' }).kind).toBe('ignore');
  });

  it('keeps the status on drift, whatever it is', () => {
    for (const state of STATES) expect(resolve(state, 'drift').kind).toBe('same');
  });
});
