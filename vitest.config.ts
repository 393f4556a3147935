import { defineConfig } from 'vitest/config';

// One run over every workspace. Swarm tests (real Docker) are their own project and run one
// file at a time; scripts/test.mjs brings the engine up first.
export default defineConfig({
  test: {
    projects: ['protocol', 'db', 'edge', 'node-agent/vitest.config.ts', 'node-agent/vitest.swarm.config.ts', 'edge/vitest.swarm.config.ts', 'edge/vitest.workers.config.ts', 'web/vitest.config.ts', 'web/vitest.e2e.config.ts'],
  },
});
