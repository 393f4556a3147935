import { describe, expect, it } from 'vitest';
import type { Usage } from '@berth/protocol';
import { draftPath, emptyDraft, quotaErrors, splitArgs, stepOf, toBody, validateStep, type WizardDraft } from './wizard.ts';

const draft = (over: Partial<WizardDraft> = {}): WizardDraft => ({ ...emptyDraft(), name: 'gateway', image: 'berth-test/busybox:1', ...over });
const usage = (used: Partial<Usage['used']> = {}): Usage => ({
  quota: { maxAgentServices: 5, maxTotalReplicas: 4, maxCpuCores: 2, maxMemoryMb: 1024 },
  used: { agentServices: 1, totalReplicas: 1, cpuCores: 0.5, memoryMb: 256, ...used },
  replicaSeconds: 0,
  at: '2025-01-01T00:00:00.000Z',
});

describe('wizard validation', () => {
  it('asks for a name and an image on the first step', () => {
    expect(validateStep('image', emptyDraft())).toEqual({ name: 'give the service a name', image: 'give an image reference' });
  });

  it('uses the shared DnsLabel and ImageRef messages for malformed values', () => {
    const errors = validateStep('image', draft({ name: 'Bad_Name', image: 'UPPER CASE' }));
    expect(errors.name).toBe('use lower-case letters, digits and inner dashes (a DNS label)');
    expect(errors.image).toBe('use a Docker image reference such as registry.example.com/team/app:1.2');
  });

  it('accepts a valid first step', () => {
    expect(validateStep('image', draft())).toEqual({});
  });

  it('splits a command like a shell groups words, and flags an unclosed quote', () => {
    expect(splitArgs(`sh -c 'echo "hi there"; exec sleep 3600'`)).toEqual(['sh', '-c', 'echo "hi there"; exec sleep 3600']);
    expect(splitArgs('  httpd   -f "" ')).toEqual(['httpd', '-f', '']);
    expect(validateStep('image', draft({ command: "sh -c 'oops" })).command).toBe('close the quote');
  });

  it('puts env and secret problems next to the row that has them', () => {
    const errors = validateStep(
      'env',
      draft({
        env: [
          { key: 'PORT', value: '8080' },
          { key: '1BAD', value: 'x' },
          { key: 'PORT', value: '9090' },
        ],
        secrets: [{ key: 'OPENAI_API_KEY', value: '' }],
      }),
    );
    expect(errors).toEqual({
      'env.1.key': 'use letters, digits and underscores, not starting with a digit',
      'env.2.key': 'this name is already used above',
      'secrets.0.value': 'give the secret a value',
    });
  });

  it('refuses replicas and limits outside the schema ranges', () => {
    const errors = validateStep('resources', draft({ replicas: '101', cpu: '0', memoryMb: '2.5' }));
    expect(errors).toEqual({ replicas: 'use a whole number from 0 to 100', cpu: 'use between 0.01 and 64 CPU', memoryMb: 'use a whole number of MiB from 4 to 262144' });
  });

  it('checks replicas, CPU and memory against what remains of the quota', () => {
    // 3 replicas left, 1.5 CPU left, 768 MiB left
    expect(quotaErrors(usage(), draft({ replicas: '3', cpu: '0.5', memoryMb: '256' }))).toEqual({});
    const over = quotaErrors(usage(), draft({ replicas: '4', cpu: '0.5', memoryMb: '256' }));
    expect(over.replicas).toBe('only 3 replica(s) left in the quota');
    expect(over.cpu).toBe('4 × 0.5 CPU exceeds the 1.5 CPU left in the quota');
    expect(over.memoryMb).toBe('4 × 256 MiB exceeds the 768 MiB left in the quota');
  });

  it('refuses a new service when the service quota is used up', () => {
    expect(validateStep('image', draft(), usage({ agentServices: 5 })).name).toBe('the tenant already runs 5 of 5 agent services');
  });

  it('validates the health check only when it is switched on', () => {
    expect(validateStep('health', draft({ hcIntervalS: '0' }))).toEqual({});
    const errors = validateStep('health', draft({ healthcheck: true, hcCommand: '', hcIntervalS: '0' }));
    expect(errors.hcCommand).toBe('give the command that checks health');
    expect(errors.hcIntervalS).toMatch(/>=1/);
  });

  it('review collects every step, and stepOf sends the user back to the first bad one', () => {
    const errors = validateStep('review', draft({ image: '', replicas: '-1' }));
    expect(Object.keys(errors).sort()).toEqual(['image', 'replicas']);
    expect(stepOf('image')).toBe('image');
    expect(stepOf('secrets.0.value')).toBe('env');
    expect(stepOf('limits.cpu')).toBe('resources');
  });

  it('maps server field paths onto the draft', () => {
    const d = draft({ env: [{ key: 'A', value: '1' }, { key: 'B', value: '2' }] });
    expect(draftPath('limits.memoryMb', d)).toBe('memoryMb');
    expect(draftPath('env.B', d)).toBe('env.1.key');
  });

  it('builds a body the API schema accepts, secrets included once', () => {
    const body = toBody(draft({ command: 'sleep 60', env: [{ key: 'PORT', value: '8080' }], secrets: [{ key: 'TOKEN', value: 's3cret' }], replicas: '2', healthcheck: true, hcCommand: 'true' }));
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    expect(body.data).toMatchObject({ name: 'gateway', command: ['sleep', '60'], env: { PORT: '8080' }, secrets: { TOKEN: 's3cret' }, replicas: 2, limits: { cpu: 0.5, memoryMb: 256 }, healthcheck: { test: ['CMD-SHELL', 'true'], intervalS: 30 } });
  });
});
