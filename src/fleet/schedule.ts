import { eachAtMost } from '../each-at-most.js';
import { InputError } from '../errors.js';
import type { Deadline } from '../state/live/deadline.js';

/** How a fleet run spends its time: how many clusters at once, and how long each may take. */
export interface FleetSchedule {
  concurrency: number;
  /** The run's deadline (`--timeout`). */
  deadline: Deadline;
  /** Each cluster's share of the run (`--cluster-timeout`); undefined: its default, `clusterShareMs`. */
  clusterTimeoutMs?: number;
}

/**
 * Clusters read at once by default. A cluster mostly waits on its API server and Google's APIs
 * (a 0.1x benchmark cluster at 30 ms: about 0.45 s of CPU in 2-3 s), so more in flight overlap
 * the waits; each costs about 30 MB while it is read (its lists, before its report is spooled).
 * Measured over 100 such clusters (bench/notes.md "The fleet"): 4, 8 and 16 at once peaked at
 * 336, 415 and 579 MB; 16 took 26% less wall time than 4 at the same CPU on a loaded machine.
 */
export const DEFAULT_CONCURRENCY = 8;

/** `--concurrency N`. */
export function parseConcurrency(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InputError(`--concurrency ${text}: expected a whole number of at least 1`);
  return Number(text);
}

/** The least share a cluster gets by default: the total one Google read may take with its retries (DEFAULT_LIMITS in google-request.ts). */
export const MIN_CLUSTER_SHARE_MS = 30_000;

/**
 * `--cluster-timeout`'s default: what is left of `--timeout` when the clusters are known, divided by
 * the waves it takes to read them `concurrency` at once (ceil(clusters / concurrency)), rounded down
 * to a second, at least MIN_CLUSTER_SHARE_MS and at most what is left. So even a fleet whose API
 * servers all hang has every cluster started and given the same share; and one that hangs holds its
 * slot for its share, not until the run's deadline.
 */
export function clusterShareMs(remainingMs: number, clusters: number, concurrency: number): number {
  if (!Number.isFinite(remainingMs)) return Number.POSITIVE_INFINITY;
  const waves = Math.max(1, Math.ceil(clusters / concurrency));
  const fair = Math.floor(remainingMs / waves / 1000) * 1000;
  return Math.min(remainingMs, Math.max(MIN_CLUSTER_SHARE_MS, fair));
}

/**
 * Visits every item, at most `concurrency` at once, each within its share of the run: an item
 * whose turn comes after the run's deadline is not visited but told so (`notStarted`, with the
 * reason), and one that is visited gets a deadline of its own, disposed when it is done.
 */
export async function eachWithinShare<T, R>(
  items: readonly T[],
  schedule: FleetSchedule,
  visit: (item: T, deadline: Deadline) => Promise<R>,
  notStarted: (item: T, reason: string) => R,
): Promise<R[]> {
  const shareMs = schedule.clusterTimeoutMs ?? clusterShareMs(schedule.deadline.remainingMs(), items.length, schedule.concurrency);
  return eachAtMost(items, schedule.concurrency, async (item) => {
    if (schedule.deadline.passed) return notStarted(item, schedule.deadline.notStarted());
    const own = schedule.deadline.within(shareMs, '--cluster-timeout');
    try {
      return await visit(item, own);
    } finally {
      if (own !== schedule.deadline) own.dispose();
    }
  });
}

/** `--cluster-timeout DURATION`: more than nothing. */
export function requirePositive(ms: number, flag: string, text: string): number {
  if (ms <= 0) throw new InputError(`${flag} ${text}: expected a duration of more than 0, such as 30s or 2m`);
  return ms;
}
