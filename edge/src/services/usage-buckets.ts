import { MAX_USAGE_BUCKETS, USAGE_BUCKET_SECONDS, USAGE_HISTORY_DAYS, type UsageBucket, type UsageHistoryQuery, type UsageLevels } from '@berth/protocol';
import { AppError } from '../errors.ts';

/** The tenant's totals from `at` (ms) until the next step. */
export interface UsageStep {
  at: number;
  runningReplicas: number;
  totalReplicas: number;
  cpuMillis: number;
  memoryMb: number;
  agentServices: number;
}

/** Aligned bucket edges in ms: [start, end) cut into `sizeMs` slices. */
export interface UsageRange {
  start: number;
  end: number;
  sizeMs: number;
}

const DAY_MS = 86_400_000;
const ZERO: Omit<UsageStep, 'at'> = { runningReplicas: 0, totalReplicas: 0, cpuMillis: 0, memoryMb: 0, agentServices: 0 };

function invalid(path: string, message: string): AppError {
  return new AppError(400, 'VALIDATION_FAILED', 'the request has invalid fields', [{ path, message }]);
}

/**
 * Turns a validated query into aligned bucket edges, reading defaults and limits against `now`:
 * the last 24 h by default, `to` capped at now, at most MAX_USAGE_BUCKETS buckets, and nothing
 * before the retention horizon (where pruned rows would make the carried step unknown).
 */
export function resolveUsageRange(q: UsageHistoryQuery, now: Date): UsageRange {
  const sizeMs = (typeof q.bucket === 'number' ? q.bucket : USAGE_BUCKET_SECONDS[q.bucket]) * 1000;
  const nowMs = now.getTime();
  const to = Math.min(q.to ? Date.parse(q.to) : nowMs, nowMs);
  const from = q.from ? Date.parse(q.from) : to - DAY_MS;
  if (from >= to) throw invalid('from', 'from must be before to and before now');
  const start = Math.floor(from / sizeMs) * sizeMs;
  const end = Math.ceil(to / sizeMs) * sizeMs;
  if (start < nowMs - USAGE_HISTORY_DAYS * DAY_MS) throw invalid('from', `usage history is kept for ${USAGE_HISTORY_DAYS} days`);
  const count = (end - start) / sizeMs;
  if (count > MAX_USAGE_BUCKETS) throw invalid('bucket', `the range holds ${count} buckets; at most ${MAX_USAGE_BUCKETS}: use a larger bucket or a shorter range`);
  return { start, end, sizeMs };
}

const levels = (s: Omit<UsageStep, 'at'>): UsageLevels => ({
  runningReplicas: s.runningReplicas,
  totalReplicas: s.totalReplicas,
  cpuCores: s.cpuMillis / 1000,
  memoryMb: s.memoryMb,
  agentServices: s.agentServices,
});

const higher = (a: UsageLevels, b: UsageLevels): UsageLevels => ({
  runningReplicas: Math.max(a.runningReplicas, b.runningReplicas),
  totalReplicas: Math.max(a.totalReplicas, b.totalReplicas),
  cpuCores: Math.max(a.cpuCores, b.cpuCores),
  memoryMb: Math.max(a.memoryMb, b.memoryMb),
  agentServices: Math.max(a.agentServices, b.agentServices),
});

/**
 * Integrates the usage step function over each bucket. `carried` is the last step before
 * `range.start` (none: nothing was running); `steps` are the steps inside the range in write
 * order. Replica-seconds count running replicas up to `now` only; peaks take every level that
 * was held for some time in the bucket (of steps written at the same millisecond, only the last
 * one was ever held).
 */
export function bucketize(carried: UsageStep | undefined, steps: readonly UsageStep[], range: UsageRange, now: Date): UsageBucket[] {
  const nowMs = now.getTime();
  const buckets: UsageBucket[] = [];
  let current: Omit<UsageStep, 'at'> = carried ?? ZERO;
  let i = 0;
  for (let start = range.start; start < range.end; start += range.sizeMs) {
    const end = start + range.sizeMs;
    const until = Math.min(end, nowMs);
    while (i < steps.length && steps[i]!.at <= start) current = steps[i++]!;
    let peak = levels(current);
    let t = start;
    let replicaMs = 0;
    while (i < steps.length && steps[i]!.at < until) {
      const step = steps[i++]!;
      replicaMs += current.runningReplicas * (step.at - t);
      t = step.at;
      current = step;
      if (steps[i]?.at !== step.at) peak = higher(peak, levels(step));
    }
    replicaMs += current.runningReplicas * Math.max(0, until - t);
    buckets.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), replicaSeconds: replicaMs / 1000, peak });
  }
  return buckets;
}
