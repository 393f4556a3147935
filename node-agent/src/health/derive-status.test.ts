import { describe, expect, it } from 'vitest';
import { deriveStatus, type ObservedTask } from './derive-status.ts';

let n = 0;
function task(state: string, patch: Partial<ObservedTask> = {}): ObservedTask {
  n += 1;
  return {
    id: `t${n}`,
    serviceId: 's',
    nodeId: 'node',
    slot: 1,
    state,
    desiredState: FAILED.has(state) || state === 'shutdown' ? 'shutdown' : 'running',
    message: state,
    error: undefined,
    containerId: undefined,
    timestamp: `2024-01-01T00:00:${String(n).padStart(2, '0')}Z`,
    ...patch,
  };
}
const FAILED = new Set(['failed', 'rejected']);

describe('deriveStatus', () => {
  it('reads all replicas running as running', () => {
    expect(deriveStatus({ desiredReplicas: 2, updateStatus: undefined, tasks: [task('running'), task('running')] })).toEqual({ status: 'running' });
  });

  it('reads tasks still being scheduled as deploying', () => {
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: undefined, tasks: [task('preparing')] }).status).toBe('deploying');
  });

  it('reads a crash loop as failed with the task error as reason', () => {
    const tasks = [task('failed', { error: 'task: non-zero exit (1)' }), task('ready')];
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: undefined, tasks })).toEqual({ status: 'failed', reason: 'task failed: task: non-zero exit (1)' });
  });

  it('reads a missing image as failed', () => {
    const tasks = [task('rejected', { error: 'No such image: berth-test/nope:1' })];
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: undefined, tasks }).reason).toContain('No such image');
  });

  it('reads a partial set of replicas as degraded', () => {
    expect(deriveStatus({ desiredReplicas: 3, updateStatus: undefined, tasks: [task('running'), task('pending')] })).toEqual({ status: 'degraded', reason: '1/3 replicas running' });
  });

  it('does not count unhealthy or still-starting containers as serving', () => {
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: undefined, tasks: [task('running', { health: 'unhealthy' })] })).toEqual({ status: 'failed', reason: 'container unhealthy' });
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: undefined, tasks: [task('running', { health: 'starting' })] }).status).toBe('deploying');
  });

  it('never reads a rollback as success', () => {
    const tasks = [task('running')];
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: { state: 'rollback_completed', message: 'update rolled back due to failure' }, tasks }).status).toBe('degraded');
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: { state: 'rollback_started', message: undefined }, tasks: [] }).status).toBe('failed');
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: { state: 'paused', message: 'x' }, tasks }).status).toBe('degraded');
  });

  it('reads an update in progress as deploying and a finished one by its tasks', () => {
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: { state: 'updating', message: undefined }, tasks: [task('running')] }).status).toBe('deploying');
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: { state: 'completed', message: undefined }, tasks: [task('running')] }).status).toBe('running');
  });

  it('reads zero desired replicas as stopped once nothing runs', () => {
    expect(deriveStatus({ desiredReplicas: 0, updateStatus: undefined, tasks: [task('shutdown')] }).status).toBe('stopped');
    expect(deriveStatus({ desiredReplicas: 0, updateStatus: undefined, tasks: [task('running')] }).status).toBe('deploying');
  });

  it('ignores a failure older than the replica that now serves', () => {
    const tasks = [task('failed', { error: 'old' }), task('running')];
    expect(deriveStatus({ desiredReplicas: 1, updateStatus: undefined, tasks }).status).toBe('running');
  });
});
