import { defineConfig } from 'vitest/config';

// Unit tests of the UI's logic (wizard validation, optimistic rollback, pagination, API client).
export default defineConfig({
  test: { name: 'web', include: ['src/**/*.test.ts'], environment: 'node' },
});
