import type { Check, RunContext } from '../engine/check.js';
import type { Report } from '../engine/report.js';
import { dataKeysFor, runChecksOn } from '../engine/runner.js';
import { InputError } from '../errors.js';
import type { ClusterState, Target } from '../state/cluster-state.js';
import type { Deadline } from '../state/live/deadline.js';
import type { StateSource } from '../state/source.js';
import { unreadReport } from '../engine/fleet-report.js';
import type { FleetSchedule } from './schedule.js';
import { eachWithinShare } from './schedule.js';

/** One cluster of a fleet run: how reports name it, and where its state comes from. */
export interface FleetMember {
  target: Target;
  /** Its state's source, reading within `deadline` (the cluster's share of the run). */
  source: (deadline: Deadline) => StateSource | Promise<StateSource>;
  /** Lets go of what reading it held (connections, its project's shared data after the last cluster). */
  release?: () => void;
}

/** What is done to each cluster's report with its state, as for a single run (configured severities, ignores). */
export type AfterRun = (report: Report, state: ClusterState) => void;

/**
 * Checks every member, at most `concurrency` at once, each within its share of
 * the run (`--cluster-timeout`). A member whose state cannot be read at all (bad
 * input in one snapshot, a cluster that cannot be reached) becomes a report
 * whose checks are all incomplete with the reason, as does one whose turn came
 * after the run's deadline; the others go on. Only each cluster's report is
 * kept once it is done: its state and connections are let go.
 */
export async function runFleet(
  members: readonly FleetMember[],
  checks: readonly Check[],
  context: RunContext,
  schedule: FleetSchedule,
  afterRun?: AfterRun,
): Promise<Report[]> {
  const keys = dataKeysFor(checks);
  return eachWithinShare(
    members,
    schedule,
    async (member, deadline) => {
      try {
        const state = await (await member.source(deadline)).collect(keys);
        const report = await runChecksOn(state, checks, context);
        afterRun?.(report, state);
        // The fleet names the cluster (and shards by that name): a snapshot without cluster.json still belongs to its place in the tree.
        return { ...report, target: member.target };
      } catch (error) {
        return unreadReport(member.target, checks, reasonOf(error));
      } finally {
        member.release?.();
      }
    },
    (member, reason) => unreadReport(member.target, checks, reason),
  );
}

function reasonOf(error: unknown): string {
  if (error instanceof InputError) return error.message;
  return `could not read the cluster: ${(error as Error).message ?? String(error)}`;
}
