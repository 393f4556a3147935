import { defineConfig } from 'vitest/config';

// The UI in a real headless Chromium (Debian's, driven by playwright-core) against the real
// edge, a real node agent and the real Swarm. One file at a time: they share the engine.
export default defineConfig({
  test: {
    name: 'web-e2e',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
