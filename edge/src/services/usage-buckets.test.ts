import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketize, resolveUsageRange, type UsageStep } from './usage-buckets.ts';
import { AppError } from '../errors.ts';

const step = (at: number, runningReplicas: number, totalReplicas = runningReplicas): UsageStep => ({ at, runningReplicas, totalReplicas, cpuMillis: totalReplicas * 100, memoryMb: totalReplicas * 10, agentServices: 1 });

describe('bucketize', () => {
  it('keeps only the last of steps written at the same moment as the level held', () => {
    const [bucket] = bucketize(undefined, [step(10, 9), step(10, 1), step(20, 2)], { start: 0, end: 100, sizeMs: 100 }, new Date(100));
    expect(bucket?.peak.runningReplicas).toBe(2);
    expect(bucket?.replicaSeconds).toBe((1 * 10 + 2 * 80) / 1000);
  });

  it('counts nothing after now and nothing before the first step', () => {
    const buckets = bucketize(undefined, [step(150, 3)], { start: 0, end: 300, sizeMs: 100 }, new Date(250));
    expect(buckets.map((b) => b.replicaSeconds * 1000)).toEqual([0, 150, 150]);
    expect(buckets.map((b) => b.peak.runningReplicas)).toEqual([0, 3, 3]);
  });

  it('adds up, bucket by bucket, to the integral of the steps over the range', () => {
    const seed = Date.now() % 1_000_000;
    console.info(`bucketize property seed ${seed}`);
    fc.assert(
      fc.property(
        fc.option(fc.nat(20)),
        fc.array(fc.record({ gap: fc.nat(500), running: fc.nat(20) }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 12 }),
        fc.nat(5000),
        (carriedRunning, gaps, sizeMs, count, nowOffset) => {
          const start = 1000;
          let at = start;
          const steps = gaps.map((g) => step((at += g.gap), g.running));
          const carried = carriedRunning === null ? undefined : step(start - 1, carriedRunning);
          const range = { start, end: start + count * sizeMs, sizeMs };
          const now = start + nowOffset;
          const buckets = bucketize(carried, steps, range, new Date(now));
          // The integral computed another way: each step's level times the part of its span inside the range.
          const all = [carried ?? step(start, 0), ...steps];
          let expected = 0;
          all.forEach((s, i) => {
            const from = Math.max(s.at, range.start);
            const to = Math.min(all[i + 1]?.at ?? Infinity, range.end, now);
            if (to > from) expected += s.runningReplicas * (to - from);
          });
          expect(buckets).toHaveLength(count);
          expect(buckets.reduce((sum, b) => sum + b.replicaSeconds * 1000, 0)).toBeCloseTo(expected, 6);
          for (const b of buckets) expect(b.peak.runningReplicas).toBeLessThanOrEqual(Math.max(0, ...all.map((s) => s.runningReplicas)));
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});

describe('resolveUsageRange', () => {
  const now = new Date('2030-05-10T12:34:56Z');

  it('aligns the last 24 hours to whole hours by default', () => {
    const r = resolveUsageRange({ bucket: 'hour' }, now);
    expect([new Date(r.start).toISOString(), new Date(r.end).toISOString(), r.sizeMs]).toEqual(['2030-05-09T12:00:00.000Z', '2030-05-10T13:00:00.000Z', 3_600_000]);
  });

  it('refuses more than 500 buckets and ranges past the retention', () => {
    const refusal = (q: Parameters<typeof resolveUsageRange>[0]) => {
      try {
        resolveUsageRange(q, now);
      } catch (err) {
        if (err instanceof AppError) return { status: err.status, code: err.code, details: err.details };
      }
      return undefined;
    };
    expect(refusal({ bucket: 'minute', from: '2030-05-10T00:00:00Z' })).toEqual({ status: 400, code: 'VALIDATION_FAILED', details: [{ path: 'bucket', message: expect.stringContaining('755 buckets') }] });
    expect(refusal({ bucket: 'day', from: '2030-04-01T00:00:00Z' })).toEqual({ status: 400, code: 'VALIDATION_FAILED', details: [{ path: 'from', message: expect.stringContaining('35 days') }] });
    expect(resolveUsageRange({ bucket: 'day', from: '2030-04-10T00:00:00Z' }, now).start).toBe(Date.parse('2030-04-10T00:00:00Z'));
  });
});
