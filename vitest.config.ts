import { defineConfig } from 'vitest/config';

/**
 * Two projects, both run by `npm test`: `unit` runs in-process (the CLI through
 * main(), live sources against the fake servers), `e2e` spawns processes (the
 * built binary, kubectl). One alone: `npx vitest run --project unit`.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
