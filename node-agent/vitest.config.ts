import { defineConfig } from 'vitest/config';

// Unit tests: no Docker, no network. Swarm tests live in vitest.swarm.config.ts.
export default defineConfig({
  test: {
    name: 'node-agent',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
