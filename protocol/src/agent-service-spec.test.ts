import { describe, expect, it } from 'vitest';
import { AgentServiceSpec, ImageRef } from './agent-service-spec.ts';

const base = { name: 'web', image: 'berth-test/busybox:1', replicas: 2, limits: { cpu: 0.25, memoryMb: 128 } };

describe('AgentServiceSpec', () => {
  it('accepts a minimal spec and fills defaults', () => {
    expect(AgentServiceSpec.parse(base)).toMatchObject({ env: {}, secrets: [] });
  });

  it('refuses unknown keys', () => {
    expect(AgentServiceSpec.safeParse({ ...base, hostPid: true }).success).toBe(false);
  });

  it.each([
    ['a name with upper case', { name: 'Web' }],
    ['a name longer than 40', { name: 'a'.repeat(41) }],
    ['a name ending in a dash', { name: 'web-' }],
    ['an env key starting with a digit', { env: { '1A': 'x' } }],
    ['an env key with a dash', { env: { 'A-B': 'x' } }],
    ['101 replicas', { replicas: 101 }],
    ['negative replicas', { replicas: -1 }],
    ['too little cpu', { limits: { cpu: 0.001, memoryMb: 64 } }],
    ['too little memory', { limits: { cpu: 1, memoryMb: 2 } }],
    ['a relative mount target', { mounts: [{ type: 'tmpfs', target: 'tmp' }] }],
    ['an unknown mount type', { mounts: [{ type: 'npipe', target: '/x' }] }],
    ['an image with a shell metacharacter', { image: 'busybox;rm -rf /' }],
  ])('refuses %s', (_title, patch) => {
    expect(AgentServiceSpec.safeParse({ ...base, ...patch }).success).toBe(false);
  });

  it.each(['busybox', 'berth-test/busybox:1', 'localhost:5000/a/b:v1.2', `ghcr.io/acme/app@sha256:${'0'.repeat(64)}`, 'my--app/x__y'])('accepts the image reference %s', (image) => {
    expect(ImageRef.safeParse(image).success).toBe(true);
  });
});
