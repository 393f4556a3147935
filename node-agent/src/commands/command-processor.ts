import type { Command, CommandClaims } from '@berth/protocol';
import { CommandRejected, errorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AgentSigner } from '../signing/agent-signer.ts';
import { dispatch } from './dispatch.ts';
import { KeyedQueue } from './keyed-queue.ts';
import type { HandlerContext, HandlerTable } from './handler-context.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { verifyCommand, type VerifyOptions } from './verify-command.ts';

/** Commands without side effects: a redelivery runs them again instead of replaying a stored result. */
const READ_ONLY: ReadonlySet<Command['kind']> = new Set(['logs.tail']);

/** What became of one `edge:command` frame. */
export type CommandOutcome =
  | { kind: 'executed'; jti: string; resultJws: string }
  | { kind: 'replayed'; jti: string; resultJws: string }
  | { kind: 'rejected'; code: string };

/** Dependencies of the processor. */
export interface ProcessorDeps {
  verify: VerifyOptions;
  guard: ReplayGuard;
  signer: AgentSigner;
  ctx: HandlerContext;
  handlers?: HandlerTable;
}

/**
 * Command lifecycle:
 * ```
 *   received ──verify──► verified ──guard──► admitted ──(tenant lane)──► executed ──commit──► answered
 *      │                    │  │  │
 *      ▼                    │  │  └──► running now (a redelivery) ──► waits in its lane, answered from the store
 *   rejected (bad JWS,      │  └─────► applied before ──► answered with the stored result (replayed)
 *   expired, wrong aud…)    └────────► stale seq ──► rejected
 * ```
 * Verification starts on arrival; verdicts and the replay guard run one command at a time in
 * arrival order (a later command never overtakes an earlier one and makes it stale). Admitted
 * commands then run in a lane per tenant (the JWS `sub`): one tenant's commands stay in seq
 * order, while a slow command of one tenant does not hold up another's. A cluster-wide reconcile
 * runs alone, after every lane drained and before anything admitted after it. A redelivery racing
 * its original waits behind it in the same lane and is then answered from the store. Rejected
 * commands get no result (their ids are not trustworthy); the edge times them out.
 */
export class CommandProcessor {
  readonly #deps: ProcessorDeps;
  readonly #log: Logger;
  #admission: Promise<unknown> = Promise.resolve();
  readonly #lanes = new KeyedQueue();
  /** Commands admitted and not answered yet, by jti. */
  readonly #running = new Set<string>();

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
    this.#log = deps.ctx.log;
  }

  /** Verifies, de-duplicates, executes and answers one command JWS. Never throws. */
  async handle(jws: string): Promise<CommandOutcome> {
    // Verification starts at once, but its verdict is taken in arrival order: WebCrypto finishes
    // out of order, and a command overtaking the one sent before it would make that one stale.
    const verified = verifyCommand(jws, this.#deps.verify).then(
      (claims): { claims: CommandClaims } | { rejected: unknown } => ({ claims }),
      (e: unknown) => ({ rejected: e }),
    );
    // Admission is serial and quick; it hands back the (possibly long) execution as a promise.
    const admitted = this.#admission.then(async (): Promise<{ outcome: Promise<CommandOutcome> }> => {
      const v = await verified;
      if ('claims' in v) return { outcome: this.#admit(v.claims) };
      const code = v.rejected instanceof CommandRejected ? v.rejected.code : 'COMMAND_SIGNATURE_INVALID';
      this.#log.warn('command rejected', { code, reason: v.rejected instanceof Error ? v.rejected.message : undefined });
      return { outcome: Promise.resolve({ kind: 'rejected', code }) };
    });
    this.#admission = admitted.catch(() => undefined);
    return (await admitted).outcome;
  }

  /** Resolves once every accepted command has been answered (for shutdown drains). */
  async idle(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.#admission;
      await current;
      await this.#lanes.idle();
    } while (current !== this.#admission);
  }

  /** Runs in arrival order: classifies the command and schedules its execution in its lane. */
  #admit(claims: CommandClaims): Promise<CommandOutcome> {
    const { guard } = this.#deps;
    const lane = <T>(task: () => Promise<T>) => (claims.cmd.kind === 'reconcile' ? this.#lanes.exclusive(task) : this.#lanes.run(claims.sub, task));
    if (this.#running.has(claims.jti)) return lane(() => this.#answer(claims));
    const verdict = guard.check(claims.jti, claims.seq);
    if (verdict.kind === 'stale') {
      this.#log.warn('command rejected', { commandId: claims.jti, tenantId: claims.sub, kind: claims.cmd.kind, seq: claims.seq, code: 'COMMAND_STALE_SEQ', lastSeq: verdict.lastSeq });
      return Promise.resolve({ kind: 'rejected', code: 'COMMAND_STALE_SEQ' });
    }
    if (verdict.kind === 'fresh') {
      guard.admit(claims.seq);
      this.#running.add(claims.jti);
    }
    return lane(() => this.#answer(claims)).finally(() => this.#running.delete(claims.jti));
  }

  /** Runs in the command's lane: answers from the store, or executes and commits. */
  async #answer(claims: CommandClaims): Promise<CommandOutcome> {
    const { guard, signer, ctx } = this.#deps;
    const fields = { commandId: claims.jti, tenantId: claims.sub, kind: claims.cmd.kind, seq: claims.seq };
    const verdict = guard.check(claims.jti, claims.seq);
    const readOnly = READ_ONLY.has(claims.cmd.kind);
    if (verdict.kind === 'applied' && !readOnly) {
      this.#log.info('command redelivered, answering stored result', fields);
      return { kind: 'replayed', jti: claims.jti, resultJws: await signer.result(claims.jti, claims.seq, verdict.result, true) };
    }
    const started = Date.now();
    const result = await dispatch(claims.cmd, ctx, this.#deps.handlers);
    const handled = Date.now();
    try {
      // Read-only results (log tails) can be large and are cheap to recompute: store only the outcome.
      await guard.commit(claims.jti, claims.seq, readOnly && result.ok ? { ok: true } : result);
    } catch (e) {
      // The handlers are idempotent, so a redelivery after this is safe, only not de-duplicated.
      this.#log.error('command result not persisted', { ...fields, code: errorCode(e) });
    }
    const persisted = Date.now();
    this.#log.info('command applied', { ...fields, ok: result.ok, code: result.ok ? undefined : result.error.code, elapsedMs: persisted - started, handlerMs: handled - started, persistMs: persisted - handled });
    return { kind: 'executed', jti: claims.jti, resultJws: await signer.result(claims.jti, claims.seq, result) };
  }
}
