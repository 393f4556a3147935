import { LOGS_TAIL_MAX_BYTES, type LogLine, type LogsTailData } from '@berth/protocol';

const MAX_LINE_CHARS = 16 * 1024;

/**
 * Keeps the newest lines whose JSON fits `budget` bytes and cuts single lines at 16 KiB, so a
 * signed `logs.tail` result always fits in one socket frame (an oversized frame would be refused
 * by the edge, and its redelivery would fail the same way forever).
 */
export function capLogLines(lines: readonly LogLine[], budget = LOGS_TAIL_MAX_BYTES): LogsTailData {
  const kept: LogLine[] = [];
  let used = 2;
  let truncated = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    const original = lines[i];
    if (original === undefined) continue;
    const line = original.line.length > MAX_LINE_CHARS ? { ...original, line: `${original.line.slice(0, MAX_LINE_CHARS)}…` } : original;
    if (line !== original) truncated = true;
    const size = Buffer.byteLength(JSON.stringify(line)) + 1;
    if (used + size > budget) {
      truncated = true;
      break;
    }
    used += size;
    kept.push(line);
  }
  kept.reverse();
  return truncated ? { lines: kept, truncated } : { lines: kept };
}
