import { z } from 'zod';
import { CreateAgentServiceBody, DnsLabel, EnvKey, HealthcheckSpec, ImageRef, ResourceLimits, SecretName, type Usage } from '@berth/protocol';
import { check, type FieldErrors } from './validate.ts';

/**
 * The agent creation wizard as data: the steps in order, the draft the form edits (strings, as
 * inputs hold them) and per-step validation with the shared protocol schemas plus a live check
 * against the quota that remains.
 */
export const STEPS = ['image', 'env', 'resources', 'health', 'review'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_TITLES: Record<Step, string> = {
  image: 'Image',
  env: 'Environment & secrets',
  resources: 'Replicas & limits',
  health: 'Health check',
  review: 'Review',
};

export interface Pair {
  key: string;
  value: string;
}

export interface WizardDraft {
  name: string;
  image: string;
  /** Overrides the image's command; shell-like words (quotes group, no expansion). */
  command: string;
  env: Pair[];
  /** Secret values are write-only: they go to the API once and are never shown back. */
  secrets: Pair[];
  replicas: string;
  cpu: string;
  memoryMb: string;
  healthcheck: boolean;
  hcCommand: string;
  hcIntervalS: string;
  hcTimeoutS: string;
  hcRetries: string;
  hcStartPeriodS: string;
}

export function emptyDraft(): WizardDraft {
  return { name: '', image: '', command: '', env: [], secrets: [], replicas: '1', cpu: '0.5', memoryMb: '256', healthcheck: false, hcCommand: '', hcIntervalS: '30', hcTimeoutS: '10', hcRetries: '3', hcStartPeriodS: '0' };
}

/**
 * Splits a command line into argv the way a shell groups words, without any expansion:
 * `sh -c 'echo hi; sleep 1'` → ['sh', '-c', 'echo hi; sleep 1']. Undefined for an unclosed quote.
 */
export function splitArgs(line: string): string[] | undefined {
  const args: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) args.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) args.push(cur);
  return args;
}

const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

/** Field messages for the pairs of one list (`env.0.key`, `secrets.1.value`, ...). */
function pairErrors(list: Pair[], prefix: 'env' | 'secrets', keySchema: z.ZodType): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Set<string>();
  list.forEach((p, i) => {
    const k = check(keySchema, p.key);
    if (!k.ok) errors[`${prefix}.${i}.key`] = Object.values(k.errors)[0] ?? 'invalid name';
    else if (seen.has(p.key)) errors[`${prefix}.${i}.key`] = 'this name is already used above';
    seen.add(p.key);
    if (prefix === 'secrets' && p.value === '') errors[`${prefix}.${i}.value`] = 'give the secret a value';
  });
  return errors;
}

/** The health check the draft describes (argv form `CMD-SHELL <command>`), or undefined. */
function healthOf(d: WizardDraft) {
  if (!d.healthcheck) return undefined;
  return { test: ['CMD-SHELL', d.hcCommand], intervalS: num(d.hcIntervalS), timeoutS: num(d.hcTimeoutS), retries: num(d.hcRetries), startPeriodS: num(d.hcStartPeriodS) };
}

/** What remains of the tenant's quota, and the draft's footprint against it. */
export function quotaErrors(usage: Usage | null, d: WizardDraft): FieldErrors {
  if (!usage) return {};
  const replicas = num(d.replicas);
  const cpu = num(d.cpu);
  const mem = num(d.memoryMb);
  const left = remaining(usage);
  const errors: FieldErrors = {};
  if (left.services < 1) errors.name = `the tenant already runs ${usage.used.agentServices} of ${usage.quota.maxAgentServices} agent services`;
  if (Number.isFinite(replicas) && replicas > left.replicas) errors.replicas = `only ${left.replicas} replica(s) left in the quota`;
  if (Number.isFinite(replicas) && Number.isFinite(cpu) && replicas * cpu > left.cpu + 1e-9) errors.cpu = `${replicas} × ${cpu} CPU exceeds the ${round(left.cpu)} CPU left in the quota`;
  if (Number.isFinite(replicas) && Number.isFinite(mem) && replicas * mem > left.memoryMb) errors.memoryMb = `${replicas} × ${mem} MiB exceeds the ${left.memoryMb} MiB left in the quota`;
  return errors;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function remaining(usage: Usage) {
  return {
    services: usage.quota.maxAgentServices - usage.used.agentServices,
    replicas: usage.quota.maxTotalReplicas - usage.used.totalReplicas,
    cpu: usage.quota.maxCpuCores - usage.used.cpuCores,
    memoryMb: usage.quota.maxMemoryMb - usage.used.memoryMb,
  };
}

/** Messages for the fields of one step; empty when the step may be left. */
export function validateStep(step: Step, d: WizardDraft, usage: Usage | null = null): FieldErrors {
  switch (step) {
    case 'image': {
      const errors: FieldErrors = {};
      const name = check(DnsLabel, d.name);
      if (!name.ok) errors.name = d.name === '' ? 'give the service a name' : (Object.values(name.errors)[0] ?? 'invalid name');
      const image = check(ImageRef, d.image);
      if (!image.ok) errors.image = d.image === '' ? 'give an image reference' : (Object.values(image.errors)[0] ?? 'invalid image');
      const argv = splitArgs(d.command);
      if (!argv) errors.command = 'close the quote';
      else if (argv.length > 256) errors.command = 'use at most 256 arguments';
      const q = quotaErrors(usage, d);
      if (q.name && !errors.name) errors.name = q.name;
      return errors;
    }
    case 'env':
      return { ...pairErrors(d.env, 'env', EnvKey), ...pairErrors(d.secrets, 'secrets', SecretName) };
    case 'resources': {
      const errors: FieldErrors = {};
      const replicas = check(z.number().int().min(0).max(100), num(d.replicas));
      if (!replicas.ok) errors.replicas = 'use a whole number from 0 to 100';
      const limits = check(ResourceLimits, { cpu: num(d.cpu), memoryMb: num(d.memoryMb) });
      if (!limits.ok) {
        if (limits.errors.cpu) errors.cpu = 'use between 0.01 and 64 CPU';
        if (limits.errors.memoryMb) errors.memoryMb = 'use a whole number of MiB from 4 to 262144';
      }
      const q = quotaErrors(usage, d);
      for (const k of ['replicas', 'cpu', 'memoryMb'] as const) if (q[k] && !errors[k]) errors[k] = q[k];
      return errors;
    }
    case 'health': {
      if (!d.healthcheck) return {};
      const errors: FieldErrors = {};
      if (d.hcCommand.trim() === '') errors.hcCommand = 'give the command that checks health';
      const hc = check(HealthcheckSpec, healthOf(d));
      if (!hc.ok) {
        const map: Record<string, string> = { intervalS: 'hcIntervalS', timeoutS: 'hcTimeoutS', retries: 'hcRetries', startPeriodS: 'hcStartPeriodS', 'test.1': 'hcCommand' };
        for (const [path, msg] of Object.entries(hc.errors)) errors[map[path] ?? 'hcCommand'] ??= msg;
      }
      return errors;
    }
    case 'review':
      return STEPS.filter((s) => s !== 'review').reduce<FieldErrors>((acc, s) => ({ ...acc, ...validateStep(s, d, usage) }), {});
  }
}

/** The step that owns a field path (to send the user back to it on a server-side refusal). */
export function stepOf(path: string): Step {
  if (path === 'name' || path === 'image' || path.startsWith('command')) return 'image';
  if (path.startsWith('env') || path.startsWith('secrets')) return 'env';
  if (path.startsWith('hc') || path.startsWith('healthcheck')) return 'health';
  if (path === 'replicas' || path === 'cpu' || path === 'memoryMb' || path.startsWith('limits')) return 'resources';
  return 'review';
}

/** Maps an API field path (`limits.cpu`, `env.FOO`) onto the draft's field names. */
export function draftPath(path: string, d: WizardDraft): string {
  if (path === 'limits.cpu') return 'cpu';
  if (path === 'limits.memoryMb') return 'memoryMb';
  const m = /^(env|secrets)\.([^.]+)/.exec(path);
  if (m) {
    const list = m[1] === 'env' ? d.env : d.secrets;
    const i = list.findIndex((p) => p.key === m[2]);
    return i >= 0 ? `${m[1]}.${i}.key` : m[1] ?? path;
  }
  if (path.startsWith('healthcheck')) return 'hcCommand';
  if (path.startsWith('command')) return 'command';
  return path;
}

/** The request body; parsed with the API's own schema so the client never sends what it refuses. */
export function toBody(d: WizardDraft) {
  return check(CreateAgentServiceBody, {
    name: d.name,
    image: d.image.trim(),
    ...(d.command.trim() ? { command: splitArgs(d.command) } : {}),
    env: Object.fromEntries(d.env.map((p) => [p.key, p.value])),
    secrets: Object.fromEntries(d.secrets.map((p) => [p.key, p.value])),
    replicas: num(d.replicas),
    limits: { cpu: num(d.cpu), memoryMb: num(d.memoryMb) },
    ...(d.healthcheck ? { healthcheck: healthOf(d) } : {}),
  });
}
