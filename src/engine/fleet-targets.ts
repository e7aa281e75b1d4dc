import type { Report } from './report.js';

/** The clusters' reports of a fleet report, in its order: read as often as a writer needs, one at a time. */
export interface FleetTargets {
  readonly count: number;
  /** Every report, a new pass each call. */
  all(): Iterable<Report>;
  at(index: number): Report;
}

/** Reports already in memory. */
export function targetsOf(reports: readonly Report[]): FleetTargets {
  return { count: reports.length, all: () => reports, at: (index) => reports[index]! };
}
