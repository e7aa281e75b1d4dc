import type { Check, RunContext } from '../engine/check.js';
import type { Report } from '../engine/report.js';
import type { TargetSpool } from '../engine/target-spool.js';
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
 * after the run's deadline; the others go on. Each cluster's report goes to
 * `spool` as soon as it is done, and nothing of it is kept: its state and
 * connections are let go, and memory holds only the clusters in flight.
 */
export async function runFleet(
  members: readonly FleetMember[],
  checks: readonly Check[],
  context: RunContext,
  schedule: FleetSchedule,
  spool: TargetSpool,
  afterRun?: AfterRun,
): Promise<void> {
  const keys = dataKeysFor(checks);
  // Ties between equal names keep the members' order, as fleetReport's sort does.
  const indexed = members.map((member, order) => ({ member, order }));
  await eachWithinShare(
    indexed,
    schedule,
    async ({ member, order }, deadline) => {
      let report: Report;
      try {
        const state = await (await member.source(deadline)).collect(keys);
        const checked = await runChecksOn(state, checks, context);
        afterRun?.(checked, state);
        // The fleet names the cluster (and shards by that name): a snapshot without cluster.json still belongs to its place in the tree.
        report = { ...checked, target: member.target };
      } catch (error) {
        report = unreadReport(member.target, checks, reasonOf(error));
      } finally {
        member.release?.();
      }
      spool.add(report, order);
    },
    ({ member, order }, reason) => spool.add(unreadReport(member.target, checks, reason), order),
  );
}

function reasonOf(error: unknown): string {
  if (error instanceof InputError) return error.message;
  return `could not read the cluster: ${(error as Error).message ?? String(error)}`;
}
