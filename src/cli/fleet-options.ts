import type { Command } from 'commander';
import type { CheckContext } from '../engine/check.js';
import type { Check } from '../engine/check.js';
import type { FleetReport } from '../engine/fleet-report.js';
import { fleetReport } from '../engine/fleet-report.js';
import { InputError } from '../errors.js';
import type { FleetMember } from '../fleet/run-fleet.js';
import { DEFAULT_CONCURRENCY, parseConcurrency, runFleet } from '../fleet/run-fleet.js';
import type { ShardFlags } from '../fleet/shard.js';
import { inShard, resolveShard } from '../fleet/shard.js';

/** Flags of a run over many clusters (`--all-clusters`, or `--snapshot` of a fleet snapshot tree). */
export interface FleetFlags extends ShardFlags {
  concurrency?: string;
}

export function addFleetOptions(command: Command): Command {
  return command
    .option('--shard <index/count>', 'fleet runs: check only the clusters of this shard, e.g. 0/4 (a stable hash of project/location/cluster)')
    .option('--shard-count <n>', 'fleet runs in a Kubernetes Indexed Job: the number of shards (the index comes from JOB_COMPLETION_INDEX)')
    .option('--concurrency <n>', `fleet runs: how many clusters are read at once (default ${DEFAULT_CONCURRENCY})`);
}

/** The fleet flags were given to a run over one cluster. */
export function rejectFleetFlags(flags: FleetFlags): void {
  const stray = (['shard', 'shardCount', 'concurrency'] as const).find((name) => flags[name] !== undefined);
  if (stray) {
    throw new InputError(`--${stray.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} is for fleet runs: pass --all-clusters, or --snapshot of a DIR/PROJECT/LOCATION/CLUSTER/ tree`);
  }
}

/** Checks the members of this task's shard, at most `--concurrency` at once, and builds the fleet report. */
export async function checkFleet(source: string, members: readonly FleetMember[], checks: readonly Check[], context: CheckContext, flags: FleetFlags, env: NodeJS.ProcessEnv): Promise<FleetReport> {
  const shard = resolveShard(flags, env);
  const concurrency = flags.concurrency === undefined ? DEFAULT_CONCURRENCY : parseConcurrency(flags.concurrency);
  const mine = members.filter((member) => inShard(clusterRef(member), shard));
  const reports = await runFleet(mine, checks, context, concurrency);
  return fleetReport(source, reports, shard ? { count: shard.count, present: [shard.index], missing: [] } : null);
}

function clusterRef({ target }: FleetMember) {
  return { project: target.project ?? '', location: target.location ?? '', cluster: target.cluster ?? '' };
}
