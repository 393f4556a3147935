import { defineConfig } from 'vitest/config';

// End-to-end against the real edge, real agents and a real Docker Swarm (scripts/docker-up.sh).
// One file at a time: the files share one engine.
export default defineConfig({
  test: {
    name: 'edge-swarm',
    include: ['test/swarm/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
