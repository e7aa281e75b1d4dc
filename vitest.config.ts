import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * test/e2e: tests that start other processes (the built binary, kubectl, npm, the
 * action's and CI examples' shells) or wait out real time (deadlines, hangs, the
 * fault matrix). Everything else runs in this process without waiting on the clock.
 */
const E2E = ['test/e2e/**/*.test.ts'];

/**
 * Two projects, both run by `npm test`: `unit` runs in this process (the CLI
 * through main(), live sources against the in-process fake servers), `e2e`
 * starts processes. One alone: `npx vitest run --project unit`.
 *
 * Test files share loaded modules (isolate: false): a third of the CPU time,
 * and nothing under test keeps global state (the CLI takes its environment,
 * streams and clock from main()'s caller, and no test mocks a module or
 * changes process.env); test/support/process-state.ts fails a file that
 * leaves the process changed.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // vitest's default (one fewer than the cores) is one worker on a 2-core machine; the
    // tests wait on sockets and child processes about as much as they compute, so two overlap.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Set here, not per project: vitest 3 ignores a project's own isolate.
    isolate: false,
    setupFiles: ['test/support/process-state.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: E2E, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'e2e', include: E2E, sequence: { groupOrder: 1 } } },
    ],
  },
});
