import { describe, expect, it } from 'vitest';
import type { LogLine } from '@berth/protocol';
import { capLogLines } from './cap-log-lines.ts';

const line = (i: number, len = 10): LogLine => ({ stream: 'stdout', line: `${i}`.padEnd(len, 'x') });

describe('capLogLines', () => {
  it('keeps everything that fits', () => {
    const lines = [line(1), line(2)];
    expect(capLogLines(lines)).toEqual({ lines });
  });

  it('drops the oldest lines beyond the budget and says so', () => {
    const lines = Array.from({ length: 100 }, (_, i) => line(i, 100));
    const capped = capLogLines(lines, 2000);
    expect(capped.truncated).toBe(true);
    expect(capped.lines.at(-1)).toEqual(lines.at(-1));
    expect(Buffer.byteLength(JSON.stringify(capped.lines))).toBeLessThanOrEqual(2000);
  });

  it('cuts a single huge line', () => {
    const capped = capLogLines([line(1, 100_000)]);
    expect(capped.truncated).toBe(true);
    expect(capped.lines[0]?.line.length).toBe(16 * 1024 + 1);
  });
});
