import { describe, expect, it } from 'vitest';
import { ApiError } from './problem.ts';
import { predict, runOptimistic, type AgentView, type OpState } from './optimistic.ts';

const running = (): AgentView & { name: string } => ({ name: 'gateway', status: 'running', replicas: 2, statusReason: null });
const idle = (): OpState => ({ pending: null, failed: null });

describe('optimistic agent actions', () => {
  it('shows the predicted state while the request is in flight', async () => {
    const view = running();
    const ops = idle();
    let release!: (v: AgentView) => void;
    const done = runOptimistic(view, ops, { kind: 'scale', replicas: 5 }, () => new Promise<AgentView>((r) => (release = r)));
    expect(view).toMatchObject({ status: 'deploying', replicas: 5 });
    expect(ops.pending).toEqual({ kind: 'scale', replicas: 5 });
    release({ status: 'pending', replicas: 5, statusReason: null });
    expect(await done).toBe(true);
    expect(view).toMatchObject({ status: 'pending', replicas: 5 });
    expect(ops).toEqual({ pending: null, failed: null });
  });

  it('rolls back to the previous state and keeps the failure for a retry', async () => {
    const view = running();
    const ops = idle();
    const problem = { status: 409, code: 'QUOTA_EXCEEDED', message: "this would exceed the tenant's maxTotalReplicas quota", requestId: 'req-1', fields: [] };
    const ok = await runOptimistic(view, ops, { kind: 'scale', replicas: 50 }, () => Promise.reject(new ApiError(problem)));
    expect(ok).toBe(false);
    expect(view).toEqual(running());
    expect(ops.pending).toBeNull();
    expect(ops.failed).toEqual({ op: { kind: 'scale', replicas: 50 }, problem });
  });

  it('reports a network failure with code NETWORK and clears it on a successful retry', async () => {
    const view = running();
    const ops = idle();
    await runOptimistic(view, ops, { kind: 'stop' }, () => Promise.reject(new TypeError('Failed to fetch')));
    expect(ops.failed?.problem.code).toBe('NETWORK');
    expect(view.status).toBe('running');
    await runOptimistic(view, ops, ops.failed!.op, () => Promise.resolve({ status: 'stopped', replicas: 2, statusReason: null }));
    expect(ops.failed).toBeNull();
    expect(view.status).toBe('stopped');
  });

  it('predicts each action', () => {
    const v = running();
    expect(predict(v, { kind: 'scale', replicas: 0 }).status).toBe('stopped');
    expect(predict(v, { kind: 'restart' }).status).toBe('deploying');
    expect(predict(v, { kind: 'start' }).status).toBe('deploying');
    expect(predict(v, { kind: 'remove' }).status).toBe('removing');
  });
});
