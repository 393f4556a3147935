import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditVerifyResult, Invitation, Tenant } from '@berth/protocol';
import { createHarness, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';

const SCRIPT = fileURLToPath(new URL('../../../scripts/verify-audit-export.mjs', import.meta.url));

/** Runs the outside verifier on a file (or on stdin when `stdin` is given). */
function runVerifier(args: string[], stdin?: string): Promise<{ code: number | null; out: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: stdout.trim() ? JSON.parse(stdout) : null }));
    child.stdin.end(stdin ?? '');
  });
}

describe('an audit export checked by an outside script', () => {
  let h: Harness;
  let cookie: string | undefined;
  let admin: { cookie?: string };
  let tenantId: string;
  let dir: string;
  beforeAll(async () => {
    h = await createHarness();
    dir = mkdtempSync(join(tmpdir(), 'berth-export-'));
    [{ cookie }, admin] = await Promise.all([h.signUp('exporter@example.com'), h.setupAdmin('root@export.test')]);
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Exports', slug: 'exports' } });
    tenantId = t.id;
    // Rows with nested, unsorted and fractional details, so the canonical form is exercised.
    await expectJson(h, Tenant, 'PATCH', `/api/v1/tenants/${tenantId}`, 200, { cookie, body: { slug: 'exports-2', name: 'Ëxports ✓', accentColor: '#aa00ff' } });
    await expectJson(h, Invitation, 'POST', `/api/v1/tenants/${tenantId}/invitations`, 201, { cookie, body: { email: 'someone@example.com', role: 'operator' } });
    await h.json('PUT', `/api/v1/tenants/${tenantId}/quota`, 200, { cookie: admin.cookie, body: { maxAgentServices: 3, maxTotalReplicas: 6, maxCpuCores: 2.5, maxMemoryMb: 2048 } });
    await h.call('DELETE', `/api/v1/tenants/${tenantId}/members/not-a-member`, { cookie }); // a 'failure' row
  });
  afterAll(() => {
    h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const exportOf = async (path: string, as: { cookie?: string }) => {
    const res = await h.call('GET', path, as);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    return res.text();
  };
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('agrees with /verify on a tenant chain, from a file and from stdin', async () => {
    const ndjson = await exportOf(`/api/v1/tenants/${tenantId}/audit/export`, { cookie });
    const verify = await expectJson(h, AuditVerifyResult, 'GET', `/api/v1/tenants/${tenantId}/audit/verify`, 200, { cookie });
    expect(verify).toMatchObject({ ok: true, count: 5 });
    expect(await runVerifier([file('tenant.ndjson', ndjson)])).toEqual({ code: 0, out: verify });
    expect(await runVerifier(['-'], ndjson)).toEqual({ code: 0, out: verify });
  });

  it('agrees with /verify on the platform chain', async () => {
    const ndjson = await exportOf('/api/v1/admin/audit/export', admin);
    const verify = await expectJson(h, AuditVerifyResult, 'GET', '/api/v1/admin/audit/verify', 200, admin);
    expect(verify.ok).toBe(true);
    expect(await runVerifier([file('platform.ndjson', ndjson)])).toEqual({ code: 0, out: verify });
  });

  it('names the first edited line and exits 1', async () => {
    const lines = (await exportOf(`/api/v1/tenants/${tenantId}/audit/export`, { cookie })).trimEnd().split('\n');
    const edited = lines.map((line, i) => (i === 2 ? line.replace('"invitation.create"', '"invitation.nothing"') : line));
    expect(edited[2]).not.toBe(lines[2]);
    expect(await runVerifier([file('edited.ndjson', `${edited.join('\n')}\n`)])).toMatchObject({ code: 1, out: { ok: false, firstBadSeq: 3 } });
  });

  it('names a dropped line and a reordered pair', async () => {
    const lines = (await exportOf(`/api/v1/tenants/${tenantId}/audit/export`, { cookie })).trimEnd().split('\n');
    const dropped = lines.filter((_, i) => i !== 1);
    expect(await runVerifier([file('dropped.ndjson', dropped.join('\n'))])).toMatchObject({ code: 1, out: { ok: false, firstBadSeq: 2 } });
    const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)];
    expect(await runVerifier([file('swapped.ndjson', swapped.join('\n'))])).toMatchObject({ code: 1, out: { ok: false, firstBadSeq: 2 } });
  });

  it('exits 2 on a file that does not exist', async () => {
    expect((await runVerifier([join(dir, 'missing.ndjson')])).code).toBe(2);
  });
});
