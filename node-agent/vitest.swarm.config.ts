import { defineConfig } from 'vitest/config';

// Tests against the real single-node Swarm (run scripts/docker-up.sh first). One file at a time:
// they share one engine and measure task state transitions.
export default defineConfig({
  test: {
    name: 'node-agent-swarm',
    include: ['test/swarm/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
