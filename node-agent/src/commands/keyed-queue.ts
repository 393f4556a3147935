/**
 * Runs tasks one at a time per key, while tasks of different keys run side by side. An exclusive
 * task is a barrier: it starts once everything scheduled before it (every key) has settled, and
 * everything scheduled after it waits for it.
 *
 *   run('a', t1) ─► t1 ─► t3          run('a', t3) waits for t1 only
 *   run('b', t2) ─► t2 ─┐             t2 runs beside t1
 *   exclusive(t4) ──────┴─► t4 ─► …   t4 waits for t1, t2, t3; later tasks wait for t4
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();
  #barrier: Promise<unknown> = Promise.resolve();
  readonly #pending = new Set<Promise<unknown>>();

  /** Runs `task` after the tasks scheduled before it under `key` (and after the last barrier). */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? this.#barrier;
    const next = prev.then(task);
    const tail = this.#track(next);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  /** Runs `task` alone: after everything scheduled so far, before anything scheduled later. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = Promise.all([this.#barrier, ...this.#tails.values()]).then(task);
    this.#barrier = this.#track(next);
    this.#tails.clear();
    return next;
  }

  /** Resolves once no task is scheduled or running. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  #track(p: Promise<unknown>): Promise<unknown> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return settled;
  }
}
