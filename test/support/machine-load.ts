import { availableParallelism, loadavg } from 'node:os';

/**
 * How many times slower than an idle machine wall-clock bounds should allow: the one-minute load
 * average per core, between 1 and 10. A deadline test measures wall time, and on a machine running
 * several test suites at once a run's timers fire late for reasons that are not the run's. An idle
 * machine (CI) keeps the bounds as written.
 */
export function loadFactor(): number {
  return Math.min(10, Math.max(1, loadavg()[0]! / availableParallelism()));
}
