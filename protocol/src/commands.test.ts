import { describe, expect, it } from 'vitest';
import { Command, CommandResult, commandSubject, ReconcileEntry } from './commands.ts';

const spec = { name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.5, memoryMb: 64 } };
const upsert = { tenantId: 't1', agentServiceId: 's1', spec, specHash: 'a'.repeat(64), network: 'berth-t1', secrets: [{ name: 'db', swarmName: 'berth-t1-db-abc', target: 'db' }] };

describe('Command', () => {
  it('parses every kind', () => {
    const all = [
      { kind: 'service.create', ...upsert },
      { kind: 'service.update', ...upsert },
      { kind: 'service.scale', tenantId: 't1', agentServiceId: 's1', replicas: 3 },
      { kind: 'service.restart', tenantId: 't1', agentServiceId: 's1' },
      { kind: 'service.remove', tenantId: 't1', agentServiceId: 's1' },
      { kind: 'network.ensure', tenantId: 't1', name: 'berth-t1' },
      { kind: 'secret.ensure', tenantId: 't1', name: 'db', swarmName: 'berth-t1-db-abc', valueB64: 'aGVsbG8=' },
      { kind: 'logs.tail', tenantId: 't1', agentServiceId: 's1', tail: 100 },
      { kind: 'reconcile', services: [{ tenantId: 't1', agentServiceId: 's1', specHash: upsert.specHash, desired: upsert }] },
    ];
    expect(all.map((c) => Command.parse(c).kind)).toEqual(all.map((c) => c.kind));
  });

  it('refuses an unknown kind and unknown keys', () => {
    expect(Command.safeParse({ kind: 'service.exec', tenantId: 't1' }).success).toBe(false);
    expect(Command.safeParse({ kind: 'service.restart', tenantId: 't1', agentServiceId: 's1', force: true }).success).toBe(false);
  });

  it('refuses a secret target that is a path', () => {
    const bad = { kind: 'service.create', ...upsert, secrets: [{ name: 'db', swarmName: 'x', target: '../etc/passwd' }] };
    expect(Command.safeParse(bad).success).toBe(false);
  });

  it('refuses a log tail beyond 5000 lines', () => {
    expect(Command.safeParse({ kind: 'logs.tail', tenantId: 't1', agentServiceId: 's1', tail: 5001 }).success).toBe(false);
  });

  it('refuses a reconcile entry whose ids disagree with its payload', () => {
    expect(ReconcileEntry.safeParse({ tenantId: 't2', agentServiceId: 's1', specHash: upsert.specHash, desired: upsert }).success).toBe(false);
  });

  it('refuses a scoped reconcile carrying a service of another tenant', () => {
    const services = [{ tenantId: 't1', agentServiceId: 's1', specHash: upsert.specHash, desired: upsert }];
    expect(Command.safeParse({ kind: 'reconcile', tenantIds: ['t1'], services }).success).toBe(true);
    expect(Command.safeParse({ kind: 'reconcile', tenantIds: ['t2'], services }).success).toBe(false);
  });

  it('names the tenant as subject, and the cluster for reconcile', () => {
    expect(commandSubject(Command.parse({ kind: 'service.remove', tenantId: 't9', agentServiceId: 's' }))).toBe('t9');
    expect(commandSubject(Command.parse({ kind: 'reconcile', services: [] }))).toBe('*');
  });
});

describe('CommandResult', () => {
  it('parses success and failure results', () => {
    expect(CommandResult.parse({ ok: true, data: { removed: true } }).ok).toBe(true);
    const failed = CommandResult.parse({ ok: false, error: { code: 'POLICY_PRIVILEGED', message: 'no', violations: [{ code: 'POLICY_PRIVILEGED', path: 'privileged', message: 'no' }] } });
    expect(failed.ok ? undefined : failed.error.code).toBe('POLICY_PRIVILEGED');
  });

  it('refuses a failure without an error', () => {
    expect(CommandResult.safeParse({ ok: false }).success).toBe(false);
  });
});
