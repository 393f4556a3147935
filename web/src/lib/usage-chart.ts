import type { UsageHistory } from '@berth/protocol';

/** What a usage chart plots against which quota. */
export type UsageMetric = 'replicas' | 'cpu' | 'memory';

/** The ranges the quota page offers, as history queries. */
export const USAGE_RANGES = {
  hour: { label: 'Last hour, by minute', span: 3_600_000, bucket: 'minute' },
  day: { label: 'Last 24 hours, hourly', span: 86_400_000, bucket: 'hour' },
  week: { label: 'Last 7 days, hourly', span: 7 * 86_400_000, bucket: 'hour' },
  month: { label: 'Last 30 days, daily', span: 30 * 86_400_000, bucket: 'day' },
} as const;
export type UsageRange = keyof typeof USAGE_RANGES;

/** The query string of a range ending now. */
export function rangeQuery(range: UsageRange, now: Date): string {
  const r = USAGE_RANGES[range];
  return new URLSearchParams({ from: new Date(now.getTime() - r.span).toISOString(), bucket: r.bucket }).toString();
}

export interface ChartRow {
  start: string;
  label: string;
  /** The peak of the reserved level (what the quota limits) in the bucket. */
  reserved: number;
  /** Peak running replicas (replicas chart only). */
  running: number | null;
  replicaHours: number;
}

export interface UsageChartModel {
  width: number;
  height: number;
  unit: string;
  quota: number;
  /** SVG y of the quota line. */
  quotaY: number;
  /** Step paths (`d`), one column per bucket. */
  reservedPath: string;
  runningPath: string | null;
  /** Labels under the x axis at the range's start, middle and end. */
  ticks: { x: number; label: string }[];
  rows: ChartRow[];
  /** One sentence for screen readers: peak against quota, and replica-hours used. */
  summary: string;
}

const METRICS: Record<UsageMetric, { unit: string; quota: (h: UsageHistory) => number; reserved: (p: UsageHistory['buckets'][number]['peak']) => number }> = {
  replicas: { unit: 'replicas', quota: (h) => h.quota.maxTotalReplicas, reserved: (p) => p.totalReplicas },
  cpu: { unit: 'cores', quota: (h) => h.quota.maxCpuCores, reserved: (p) => p.cpuCores },
  memory: { unit: 'MiB', quota: (h) => h.quota.maxMemoryMb, reserved: (p) => p.memoryMb },
};

const PAD = { top: 8, bottom: 4 };
const round = (v: number) => Math.round(v * 100) / 100;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** How a bucket's start reads (in the viewer's time zone, or UTC): with the time of day for buckets under a day. */
export function bucketLabel(startIso: string, bucketSeconds: number, zone: 'local' | 'utc' = 'local'): string {
  const d = new Date(startIso);
  const [day, month, hours, minutes] = zone === 'utc' ? [d.getUTCDate(), d.getUTCMonth(), d.getUTCHours(), d.getUTCMinutes()] : [d.getDate(), d.getMonth(), d.getHours(), d.getMinutes()];
  const date = `${day} ${MONTHS[month] ?? ''}`;
  return bucketSeconds < 86_400 ? `${date} ${two(hours)}:${two(minutes)}` : date;
}

/** A step line: across each bucket at its level, vertical between buckets. */
function stepPath(values: number[], x: (i: number) => number, y: (v: number) => number): string {
  return values.map((v, i) => `${i === 0 ? `M${round(x(0))} ${round(y(v))}` : `V${round(y(v))}`} H${round(x(i + 1))}`).join(' ');
}

/**
 * Maps history buckets to an SVG chart: each bucket is one column of width `width / n`, the line
 * steps to the bucket's peak, and the y scale leaves room for both the highest peak and the quota.
 */
export function usageChartModel(h: UsageHistory, metric: UsageMetric, size = { width: 600, height: 140 }, zone: 'local' | 'utc' = 'local'): UsageChartModel {
  const m = METRICS[metric];
  const quota = m.quota(h);
  const reserved = h.buckets.map((b) => m.reserved(b.peak));
  const running = metric === 'replicas' ? h.buckets.map((b) => b.peak.runningReplicas) : null;
  const top = Math.max(quota, ...reserved, ...(running ?? []), 1);
  const n = Math.max(1, h.buckets.length);
  const x = (i: number) => (i / n) * size.width;
  const y = (v: number) => PAD.top + (1 - v / top) * (size.height - PAD.top - PAD.bottom);
  const rows = h.buckets.map((b, i) => ({
    start: b.start,
    label: bucketLabel(b.start, h.bucketSeconds, zone),
    reserved: reserved[i] ?? 0,
    running: running ? (running[i] ?? 0) : null,
    replicaHours: round(b.replicaSeconds / 3600),
  }));
  // Edges, not columns: the range's start, its middle and its end (the end of the last bucket).
  const edges = rows.length ? [...new Set([0, Math.floor(rows.length / 2), rows.length])] : [];
  const edgeLabel = (i: number) => bucketLabel(i < rows.length ? (rows[i]?.start ?? h.to) : h.to, h.bucketSeconds, zone);
  const peak = Math.max(0, ...reserved);
  const hours = round(h.buckets.reduce((sum, b) => sum + b.replicaSeconds, 0) / 3600);
  return {
    width: size.width,
    height: size.height,
    unit: m.unit,
    quota,
    quotaY: round(y(quota)),
    reservedPath: reserved.length ? stepPath(reserved, x, y) : '',
    runningPath: running && running.length ? stepPath(running, x, y) : null,
    ticks: edges.map((i) => ({ x: round(x(i)), label: edgeLabel(i) })),
    rows,
    summary: `Highest ${round(peak)} of ${quota} ${m.unit} reserved over ${rows.length} buckets; ${hours} replica-hours used.`,
  };
}
