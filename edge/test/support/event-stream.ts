import type { Caller, Harness } from './harness.ts';

/** An open SSE response, read in the background: what arrived so far and when it ended. */
export interface OpenStream {
  readonly text: string;
  /** performance.now() when the server ended the stream; undefined while it is open. */
  readonly closedAt: number | undefined;
  /** Resolves once the server ends the stream. */
  readonly ended: Promise<void>;
  hangUp(): Promise<void>;
}

/** Opens `GET /api/v1/tenants/:slug/events` as `caller`; fails unless it answers 200 with an event stream. */
export async function openEvents(h: Harness, slug: string, caller: Caller): Promise<OpenStream> {
  const res = await h.call('GET', `/api/v1/tenants/${slug}/events`, caller);
  if (res.status !== 200 || !res.body) throw new Error(`events: expected an open stream, got ${res.status}: ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const state: { text: string; closedAt: number | undefined } = { text: '', closedAt: undefined };
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      state.text += value;
    }
    state.closedAt = performance.now();
  })();
  return {
    get text() {
      return state.text;
    },
    get closedAt() {
      return state.closedAt;
    },
    ended,
    hangUp: () => reader.cancel(),
  };
}

/** Occurrences of `needle` in `text`. */
export const count = (text: string, needle: string) => text.split(needle).length - 1;
