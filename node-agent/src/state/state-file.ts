import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from '../errors.ts';
import { AgentState } from './agent-state.ts';

/** File name of the agent state inside the state directory. */
export const STATE_FILE = 'agent-state.json';

/**
 * Reads and writes the agent state file. Writes are atomic and durable: a temp file in the same
 * directory is written with mode 0600 and fsynced, renamed over the old file, then the directory is
 * fsynced, so a crash leaves either the old or the new state, never a torn one.
 */
export class StateFile {
  readonly path: string;
  readonly #dir: string;
  #chain: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.#dir = dir;
    this.path = join(dir, STATE_FILE);
  }

  /** The stored state, or undefined when the agent has not enrolled. */
  async load(): Promise<AgentState | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.path, 'utf8');
    } catch (e) {
      if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return undefined;
      throw new StateError('STATE_UNREADABLE', `cannot read ${this.path}`, { cause: e });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new StateError('STATE_CORRUPT', `${this.path} is not JSON`, { cause: e });
    }
    const parsed = AgentState.safeParse(json);
    if (!parsed.success) throw new StateError('STATE_CORRUPT', `${this.path} does not hold a valid agent state`, { cause: parsed.error });
    return parsed.data;
  }

  /** Atomically replaces the state; concurrent saves are serialised in call order. */
  save(state: AgentState): Promise<void> {
    const data = `${JSON.stringify(AgentState.parse(state), null, 2)}\n`;
    const next = this.#chain.then(() => this.#write(data));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #write(data: string): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(data, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new StateError('STATE_WRITE_FAILED', `cannot write ${this.path}`, { cause: e });
    }
    const dir = await open(this.#dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
