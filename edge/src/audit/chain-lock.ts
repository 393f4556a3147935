import type { Db } from '@berth/db';

const locks = new WeakMap<Db, Map<string, Promise<unknown>>>();

/**
 * Runs `fn` after every earlier `withChainLock` on the same database and chain has settled.
 * Inside one process this turns the chain's optimistic retries into a queue (50 concurrent
 * creates would otherwise retry quadratically); across processes the unique (chain, seq)
 * index still decides, and commitAudited retries.
 */
export function withChainLock<T>(db: Db, chain: string, fn: () => Promise<T>): Promise<T> {
  let chains = locks.get(db);
  if (!chains) locks.set(db, (chains = new Map()));
  const previous = chains.get(chain) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  chains.set(chain, tail);
  void tail.then(() => {
    if (chains.get(chain) === tail) chains.delete(chain);
  });
  return run;
}
