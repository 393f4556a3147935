import type { Context } from 'hono';
import { streamSSE, type SSEMessage } from 'hono/streaming';
import type { AppEnv } from '../context.ts';
import type { Reauthorize } from '../middleware/reauthorize.ts';

export interface StreamGuard {
  /** Interval of keep-alive comments; every tick re-checks the caller first. */
  keepAliveMs: number;
  reauthorize: Reauthorize;
}

/** Subscribes `push` to a source; resolves with the unsubscribe function. */
export type Subscribe = (push: (message: SSEMessage) => void) => Promise<() => void>;

/**
 * An SSE response that lives only as long as its caller's authorization. Every keep-alive tick
 * first runs authentication and the route's authorization again on the request's credentials
 * and ends the stream when they no longer hold, so a removed member, a deactivated account or a
 * revoked token stops receiving within one keep-alive. Ticks come before queued events, so a
 * busy stream is re-checked as often as an idle one.
 */
export function authorizedSSE(c: Context<AppEnv>, guard: StreamGuard, greeting: SSEMessage, subscribe: Subscribe): Response {
  return streamSSE(c, async (stream) => {
    const queue: SSEMessage[] = [];
    let wake: (() => void) | undefined;
    let tickDue = false;
    const poke = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const unsubscribe = await subscribe((message) => {
      queue.push(message);
      poke();
    });
    const timer = setInterval(() => {
      tickDue = true;
      poke();
    }, guard.keepAliveMs);
    stream.onAbort(poke);
    try {
      await stream.writeSSE(greeting);
      while (!stream.aborted) {
        if (tickDue) {
          tickDue = false;
          if (!(await guard.reauthorize(c))) return;
          await stream.write(': keep-alive\n\n');
          continue;
        }
        const next = queue.shift();
        if (next) {
          await stream.writeSSE(next);
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      clearInterval(timer);
      unsubscribe();
    }
  });
}
