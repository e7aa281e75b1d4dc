import type { Check, RunContext } from '../engine/check.js';
import type { Report } from '../engine/report.js';
import { dataKeysFor, runChecksOn } from '../engine/runner.js';
import { InputError } from '../errors.js';
import type { ClusterState, Target } from '../state/cluster-state.js';
import type { StateSource } from '../state/source.js';
import { unreadReport } from '../engine/fleet-report.js';

/** One cluster of a fleet run: how reports name it, and where its state comes from. */
export interface FleetMember {
  target: Target;
  source: () => StateSource | Promise<StateSource>;
}

export const DEFAULT_CONCURRENCY = 4;

/** What is done to each cluster's report with its state, as for a single run (configured severities, ignores). */
export type AfterRun = (report: Report, state: ClusterState) => void;

/**
 * Checks every member, at most `concurrency` at once. A member whose state
 * cannot be read at all (bad input in one snapshot, a cluster that cannot be
 * reached) becomes a report whose checks are all incomplete with the reason;
 * the others go on.
 */
export async function runFleet(
  members: readonly FleetMember[],
  checks: readonly Check[],
  context: RunContext,
  concurrency = DEFAULT_CONCURRENCY,
  afterRun?: AfterRun,
): Promise<Report[]> {
  const keys = dataKeysFor(checks);
  const reports: Report[] = new Array(members.length);
  let next = 0;
  const worker = async () => {
    while (next < members.length) {
      const index = next++;
      const member = members[index]!;
      try {
        const state = await (await member.source()).collect(keys);
        const report = await runChecksOn(state, checks, context);
        afterRun?.(report, state);
        // The fleet names the cluster (and shards by that name): a snapshot without cluster.json still belongs to its place in the tree.
        reports[index] = { ...report, target: member.target };
      } catch (error) {
        reports[index] = unreadReport(member.target, checks, reasonOf(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, members.length) }, worker));
  return reports;
}

function reasonOf(error: unknown): string {
  if (error instanceof InputError) return error.message;
  return `could not read the cluster: ${(error as Error).message ?? String(error)}`;
}

/** `--concurrency N`. */
export function parseConcurrency(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InputError(`--concurrency ${text}: expected a whole number of at least 1`);
  return Number(text);
}
