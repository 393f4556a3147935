import { DurableObject } from 'cloudflare:workers';
import { countHit, type RateLimitHit, type RateLimitStore } from '../rate-limit/store.ts';

const STATE = 'bucket';

/**
 * One per rate-limit bucket (`idFromName(key)`): every isolate of the Worker counts the bucket
 * here, one hit at a time (a Durable Object runs its calls in order). The window is kept in the
 * object's storage, so it survives the object being evicted, and an alarm clears it once the
 * window has ended.
 */
export class RateLimiter extends DurableObject<Env> {
  async hit(windowMs: number, nowMs: number): Promise<RateLimitHit> {
    const prior = await this.ctx.storage.get<RateLimitHit>(STATE);
    const next = countHit(prior, windowMs, nowMs);
    await this.ctx.storage.put(STATE, next);
    if (next.count === 1) await this.ctx.storage.setAlarm(next.resetAtMs + 1_000);
    return next;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** RateLimitStore on Workers: a hit is an RPC to the bucket's RateLimiter object. */
export class DurableRateLimitStore implements RateLimitStore {
  readonly #ns: DurableObjectNamespace<RateLimiter>;

  constructor(ns: DurableObjectNamespace<RateLimiter>) {
    this.#ns = ns;
  }

  hit(key: string, windowMs: number, nowMs: number): Promise<RateLimitHit> {
    return this.#ns.getByName(key).hit(windowMs, nowMs);
  }
}
