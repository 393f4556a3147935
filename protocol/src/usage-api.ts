import { z } from 'zod';
import { Usage } from './agent-services-api.ts';

/** Named bucket sizes of the usage history, in seconds. */
export const USAGE_BUCKET_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;
/** The most buckets one history answer holds. */
export const MAX_USAGE_BUCKETS = 500;
/** How far back usage history reaches. */
export const USAGE_HISTORY_DAYS = 35;

/**
 * `GET /api/v1/tenants/:tenant/usage/history`. Defaults: the last 24 hours, hourly. `bucket` is
 * `minute`, `hour`, `day` or a number of seconds (60 s to 7 days). Buckets are aligned to
 * multiples of their size since the Unix epoch (UTC), so the answer may start before `from` and
 * end after `to`; `to` later than now is read as now. Limits checked by the edge against its
 * clock: at most {@link MAX_USAGE_BUCKETS} buckets, none older than {@link USAGE_HISTORY_DAYS} days.
 */
export const UsageHistoryQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    bucket: z.union([z.enum(['minute', 'hour', 'day']), z.coerce.number().int().min(60).max(7 * 86_400)]).default('hour'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'to must be after from' });
export type UsageHistoryQuery = z.infer<typeof UsageHistoryQuery>;

/** The tenant's totals at one moment (the highest of a bucket, in a history). */
export const UsageLevels = z.object({
  /** Running tasks as observed. */
  runningReplicas: z.number().int(),
  /** Desired replicas of live services (what the replica quota counts). */
  totalReplicas: z.number().int(),
  /** Reserved CPU: replicas × per-replica limit. */
  cpuCores: z.number(),
  /** Reserved memory: replicas × per-replica limit. */
  memoryMb: z.number().int(),
  agentServices: z.number().int(),
});
export type UsageLevels = z.infer<typeof UsageLevels>;

/** One bucket [start, end) of usage history. */
export const UsageBucket = z.object({
  start: z.string(),
  end: z.string(),
  /** Running replicas integrated over the bucket (up to now for the current one). */
  replicaSeconds: z.number(),
  /** The highest level each total reached in the bucket. */
  peak: UsageLevels,
});
export type UsageBucket = z.infer<typeof UsageBucket>;

/** Usage over time against the quota (the chart's reference line). */
export const UsageHistory = z.object({
  from: z.string(),
  to: z.string(),
  bucketSeconds: z.number().int(),
  quota: Usage.shape.quota,
  buckets: z.array(UsageBucket),
  at: z.string(),
});
export type UsageHistory = z.infer<typeof UsageHistory>;
