import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'edge',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/swarm/**', 'test/workers/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
