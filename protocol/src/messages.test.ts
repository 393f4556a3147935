import { describe, expect, it } from 'vitest';
import { AgentMessage, EdgeMessage } from './messages.ts';

describe('socket frames', () => {
  it('parses an agent hello', () => {
    const hello = { type: 'agent:hello', agentId: 'a1', proof: 'aaa.bbb.ccc', version: '0.1.0', lastSeq: 0, swarmNodeId: 'n1' };
    expect(AgentMessage.parse(hello).type).toBe('agent:hello');
  });

  it('refuses a result whose jws is not compact', () => {
    expect(AgentMessage.safeParse({ type: 'agent:result', jws: '{"a":1}' }).success).toBe(false);
  });

  it('refuses an edge frame of an unknown type', () => {
    expect(EdgeMessage.safeParse({ type: 'edge:exec', cmd: 'sh' }).success).toBe(false);
  });

  it('parses the challenge, welcome, command and error frames', () => {
    const frames = [
      { type: 'edge:challenge', nonce: 'x'.repeat(32) },
      { type: 'edge:welcome', agentId: 'a1', clusterId: 'c1', heartbeatIntervalMs: 5000 },
      { type: 'edge:command', jws: 'a.b.c' },
      { type: 'edge:error', code: 'UNAUTHENTICATED', message: 'bad proof' },
    ];
    expect(frames.map((f) => EdgeMessage.parse(f).type)).toEqual(frames.map((f) => f.type));
  });
});
