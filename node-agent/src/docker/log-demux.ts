import type { LogLine } from '@berth/protocol';

const TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (.*)$/s;

function isMultiplexed(buf: Buffer): boolean {
  return buf.length >= 8 && (buf[0] === 0 || buf[0] === 1 || buf[0] === 2) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
}

function toLines(stream: LogLine['stream'], text: string, out: LogLine[]): void {
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = TS.exec(line);
    out.push(m ? { stream, ts: m[1], line: m[2] ?? '' } : { stream, line });
  }
}

/**
 * Splits a Docker log payload into lines. Multiplexed payloads (non-TTY) are frames of an 8-byte
 * header `[stream, 0, 0, 0, size(uint32 BE)]` + payload; stream 2 is stderr, 0/1 stdout. A TTY
 * payload is raw text. A `timestamps=true` RFC 3339 prefix moves into `ts`.
 */
export function demuxDockerLogs(buf: Buffer): LogLine[] {
  const out: LogLine[] = [];
  if (!isMultiplexed(buf)) {
    toLines('stdout', buf.toString('utf8'), out);
    return out;
  }
  let pending: { stream: LogLine['stream']; text: string } | undefined;
  let off = 0;
  while (off + 8 <= buf.length) {
    const stream: LogLine['stream'] = buf[off] === 2 ? 'stderr' : 'stdout';
    const size = buf.readUInt32BE(off + 4);
    const end = Math.min(off + 8 + size, buf.length);
    const text = buf.subarray(off + 8, end).toString('utf8');
    off = end;
    // A line can span frames of the same stream; flush on stream change or newline.
    if (pending && pending.stream !== stream) {
      toLines(pending.stream, pending.text, out);
      pending = undefined;
    }
    const joined = (pending?.text ?? '') + text;
    const lastNl = joined.lastIndexOf('\n');
    if (lastNl === -1) {
      pending = { stream, text: joined };
    } else {
      toLines(stream, joined.slice(0, lastNl + 1), out);
      pending = lastNl + 1 < joined.length ? { stream, text: joined.slice(lastNl + 1) } : undefined;
    }
  }
  if (pending) toLines(pending.stream, pending.text, out);
  return out;
}
