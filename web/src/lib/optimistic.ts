import type { AgentService, ServiceHealth } from '@berth/protocol';
import { toProblem, type Problem } from './problem.ts';

/**
 * Optimistic agent actions. The view shows the predicted state at once; the server's answer
 * replaces it, or the previous state comes back together with a visible, retryable failure.
 *
 * ```
 *   idle ──act──► pending (predicted shown) ──202──► idle (server's answer shown)
 *                        │
 *                        └──error──► failed (previous state shown, message + Retry)
 *                                      └──retry──► pending
 * ```
 */
export type AgentOp = { kind: 'scale'; replicas: number } | { kind: 'restart' } | { kind: 'stop' } | { kind: 'start' } | { kind: 'remove' };

/** The part of an agent service an action changes. */
export type AgentView = Pick<AgentService, 'status' | 'replicas' | 'statusReason'>;

export interface OpState {
  pending: AgentOp | null;
  failed: { op: AgentOp; problem: Problem } | null;
}

/** What the service should look like once `op` is accepted. */
export function predict(view: AgentView, op: AgentOp): AgentView {
  const status = (s: ServiceHealth): AgentView => ({ ...view, status: s, statusReason: null });
  switch (op.kind) {
    case 'scale':
      return { ...status(op.replicas === 0 ? 'stopped' : 'deploying'), replicas: op.replicas };
    case 'restart':
      return status('deploying');
    case 'stop':
      return { ...status('stopped'), replicas: view.replicas };
    case 'start':
      return status('deploying');
    case 'remove':
      return status('removing');
  }
}

/** Human label of an operation, for buttons and messages. */
export function opLabel(op: AgentOp): string {
  return op.kind === 'scale' ? `scale to ${op.replicas}` : op.kind;
}

/**
 * Applies `op` to `target` optimistically, runs `call`, and settles: the answer wins on success;
 * on failure `target` gets its previous fields back and `ops.failed` says what failed and why.
 * Returns true when the server accepted the operation.
 */
export async function runOptimistic<T extends AgentView>(target: T, ops: OpState, op: AgentOp, call: () => Promise<AgentView>): Promise<boolean> {
  const before: AgentView = { status: target.status, replicas: target.replicas, statusReason: target.statusReason };
  Object.assign(target, predict(before, op));
  ops.pending = op;
  ops.failed = null;
  try {
    const answer = await call();
    Object.assign(target, { status: answer.status, replicas: answer.replicas, statusReason: answer.statusReason });
    return true;
  } catch (err) {
    Object.assign(target, before);
    ops.failed = { op, problem: toProblem(err) };
    return false;
  } finally {
    ops.pending = null;
  }
}
