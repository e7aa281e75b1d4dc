import chalk from 'chalk';
import { afterAll, expect } from 'vitest';

/**
 * Unit test files share one process and its loaded modules (vitest.config.ts):
 * each must leave the process as it found it. Runs around every unit test file.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function processState() {
  return {
    env: { ...process.env },
    exitCode: process.exitCode,
    cwd: process.cwd(),
    chalkLevel: chalk.level,
    signalListeners: SIGNALS.map((signal) => process.listenerCount(signal)),
    exitListeners: process.listenerCount('exit'),
  };
}

const before = processState();

afterAll(() => {
  expect(processState(), 'a test file changed process-wide state').toEqual(before);
});
