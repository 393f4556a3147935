import { describe, expect, it } from 'vitest';
import { nextState, TRANSITIONS, type ConnState } from './connection-state.ts';

describe('connection state machine', () => {
  it('reaches ready only through authentication', () => {
    expect(nextState('idle', 'start')).toBe('connecting');
    expect(nextState('connecting', 'welcome')).toBeUndefined();
    expect(nextState('connecting', 'open')).toBe('authenticating');
    expect(nextState('authenticating', 'welcome')).toBe('ready');
  });

  it('backs off after any close and retries into connecting', () => {
    for (const s of ['connecting', 'authenticating', 'ready'] as const) expect(nextState(s, 'close')).toBe('backoff');
    expect(nextState('backoff', 'retry')).toBe('connecting');
  });

  it('stops from every state and never leaves stopped', () => {
    const all: ConnState[] = ['idle', 'connecting', 'authenticating', 'ready', 'backoff'];
    for (const s of all) expect(nextState(s, 'stop')).toBe('stopped');
    expect(TRANSITIONS.stopped).toEqual({});
  });
});
