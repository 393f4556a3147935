import { describe, expect, it } from 'vitest';
import type { UsageHistory } from '@berth/protocol';
import { bucketLabel, rangeQuery, usageChartModel } from './usage-chart.ts';

const peak = (totalReplicas: number, runningReplicas: number) => ({ runningReplicas, totalReplicas, cpuCores: totalReplicas / 2, memoryMb: totalReplicas * 128, agentServices: 1 });

function history(levels: [number, number, number][], quota = { maxAgentServices: 5, maxTotalReplicas: 10, maxCpuCores: 4, maxMemoryMb: 2048 }): UsageHistory {
  const start = Date.parse('2030-01-01T10:00:00Z');
  return {
    from: new Date(start).toISOString(),
    to: new Date(start + levels.length * 3_600_000).toISOString(),
    bucketSeconds: 3600,
    quota,
    buckets: levels.map(([total, running, replicaSeconds], i) => ({
      start: new Date(start + i * 3_600_000).toISOString(),
      end: new Date(start + (i + 1) * 3_600_000).toISOString(),
      replicaSeconds,
      peak: peak(total, running),
    })),
    at: new Date(start + levels.length * 3_600_000).toISOString(),
  };
}

describe('usage chart model', () => {
  it('draws one column per bucket at its peak, scaled so the quota line fits', () => {
    const m = usageChartModel(
      history([
        [2, 0, 0],
        [4, 2, 7200],
        [0, 0, 0],
        [5, 5, 18000],
      ]),
      'replicas',
      { width: 400, height: 108 },
      'utc',
    );
    // 10 (the quota) is the top: y = 8 + (1 - v/10) * 96
    expect(m.quotaY).toBe(8);
    expect(m.reservedPath).toBe('M0 84.8 H100 V65.6 H200 V104 H300 V56 H400');
    expect(m.runningPath).toBe('M0 104 H100 V84.8 H200 V104 H300 V56 H400');
    expect(m.rows.map((r) => [r.label, r.reserved, r.running, r.replicaHours])).toEqual([
      ['1 Jan 10:00', 2, 0, 0],
      ['1 Jan 11:00', 4, 2, 2],
      ['1 Jan 12:00', 0, 0, 0],
      ['1 Jan 13:00', 5, 5, 5],
    ]);
    expect(m.ticks).toEqual([
      { x: 0, label: '1 Jan 10:00' },
      { x: 200, label: '1 Jan 12:00' },
      { x: 400, label: '1 Jan 14:00' },
    ]);
    expect(m.summary).toBe('Highest 5 of 10 replicas reserved over 4 buckets; 7 replica-hours used.');
  });

  it('raises the scale above the quota when use exceeds it (a quota lowered under running services)', () => {
    const m = usageChartModel(history([[20, 20, 0]], { maxAgentServices: 5, maxTotalReplicas: 10, maxCpuCores: 4, maxMemoryMb: 2048 }), 'replicas', { width: 100, height: 108 });
    expect(m.reservedPath).toBe('M0 8 H100');
    expect(m.quotaY).toBe(56);
  });

  it('charts reserved CPU and memory against their own quotas, without a running line', () => {
    const cpu = usageChartModel(history([[4, 4, 0]]), 'cpu', { width: 100, height: 108 });
    expect([cpu.unit, cpu.quota, cpu.rows[0]?.reserved, cpu.runningPath]).toEqual(['cores', 4, 2, null]);
    const memory = usageChartModel(history([[4, 4, 0]]), 'memory', { width: 100, height: 108 });
    expect([memory.unit, memory.quota, memory.rows[0]?.reserved]).toEqual(['MiB', 2048, 512]);
  });

  it('draws nothing but the quota for an empty history and never divides by a zero quota', () => {
    const m = usageChartModel(history([], { maxAgentServices: 0, maxTotalReplicas: 0, maxCpuCores: 0, maxMemoryMb: 0 }), 'replicas');
    expect([m.reservedPath, m.runningPath, m.rows, m.ticks]).toEqual(['', null, [], []]);
    expect(Number.isFinite(m.quotaY)).toBe(true);
  });

  it('labels daily buckets by date and builds range queries ending now', () => {
    expect(bucketLabel('2030-03-04T00:00:00.000Z', 86_400, 'utc')).toBe('4 Mar');
    expect(rangeQuery('month', new Date('2030-03-31T00:00:00Z'))).toBe('from=2030-03-01T00%3A00%3A00.000Z&bucket=day');
  });
});
