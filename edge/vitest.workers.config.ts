import { defineConfig } from 'vitest/config';

// The Workers build (wrangler's bundle) in workerd through Miniflare, with a real port. The
// global setup bundles once and migrates a template D1 database; each file starts its own
// Worker on a copy of it. One file at a time: the swarm file shares the engine with other suites.
export default defineConfig({
  test: {
    name: 'edge-workers',
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/workers/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
