import { describe, expect, it } from 'vitest';
import { demuxDockerLogs } from './log-demux.ts';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxDockerLogs', () => {
  it('splits stdout and stderr frames into lines with timestamps', () => {
    const buf = Buffer.concat([
      frame(1, '2024-01-02T03:04:05.123456789Z hello\n2024-01-02T03:04:06Z world\n'),
      frame(2, '2024-01-02T03:04:07Z oops\n'),
    ]);
    expect(demuxDockerLogs(buf)).toEqual([
      { stream: 'stdout', ts: '2024-01-02T03:04:05.123456789Z', line: 'hello' },
      { stream: 'stdout', ts: '2024-01-02T03:04:06Z', line: 'world' },
      { stream: 'stderr', ts: '2024-01-02T03:04:07Z', line: 'oops' },
    ]);
  });

  it('joins a line split across two frames of one stream', () => {
    expect(demuxDockerLogs(Buffer.concat([frame(1, 'hel'), frame(1, 'lo\n')]))).toEqual([{ stream: 'stdout', line: 'hello' }]);
  });

  it('reads a raw TTY payload as stdout', () => {
    expect(demuxDockerLogs(Buffer.from('a\r\nb\n'))).toEqual([
      { stream: 'stdout', line: 'a' },
      { stream: 'stdout', line: 'b' },
    ]);
  });

  it('survives a truncated frame', () => {
    const full = frame(1, 'complete\n');
    expect(demuxDockerLogs(Buffer.concat([full, frame(2, 'cut off here').subarray(0, 11)]))).toEqual([
      { stream: 'stdout', line: 'complete' },
      { stream: 'stderr', line: 'cut' },
    ]);
  });
});
