import { defineConfig } from 'vitest/config';

// Unit tests and loopback socket tests: no Docker. Swarm tests live in vitest.swarm.config.ts.
export default defineConfig({
  test: {
    name: 'node-agent',
    include: ['src/**/*.test.ts', 'test/connection/**/*.test.ts'],
    environment: 'node',
    // Socket tests finish in ~1 s alone; the full run shares 2 cores with every other suite.
    testTimeout: 30_000,
  },
});
