import type { Command } from 'commander';
import { Option } from 'commander';
import { ENDPOINT_KINDS } from '../fleet/cluster-endpoint.js';
import type { ShardFlags } from '../fleet/shard.js';
import { DEFAULT_CONCURRENCY } from '../fleet/schedule.js';

/** Flags of a run over many clusters (`--all-clusters`, or `--snapshot` of a fleet snapshot tree). */
export interface FleetFlags extends ShardFlags {
  concurrency?: string;
  runId?: string;
  clusterTimeout?: string;
  parent?: string;
  allClusters?: boolean;
  clusterFilter?: string;
  endpoint?: string;
}

/** Adds `--all-clusters` and its narrowing flags (check and snapshot). */
export function addAllClustersOptions(command: Command): Command {
  return command
    .option('--all-clusters', 'every cluster of each --project (repeatable or comma-separated) or beneath --parent, listed with the container API, read without a kubeconfig')
    .option('--parent <folders/ID|organizations/ID>', 'with --all-clusters: also every project with a GKE cluster beneath this folder or organization (Cloud Asset Inventory, else Resource Manager)')
    .option('--cluster-filter <glob>', 'with --all-clusters: only clusters whose name matches (* and ?)')
    .addOption(new Option('--endpoint <kind>', 'with --all-clusters: the control-plane endpoint to reach each cluster at').choices(ENDPOINT_KINDS))
    .option('--cluster-timeout <duration>', "with --all-clusters: each cluster's share of --timeout, after which what it has not answered is incomplete (default: what is left of --timeout / ceil(clusters / concurrency), at least 30s)");
}

export function addFleetOptions(command: Command): Command {
  return addAllClustersOptions(command)
    .option('--shard <index/count>', 'fleet runs: check only the clusters of this shard, e.g. 0/4 (a stable hash of project/location/cluster)')
    .option('--shard-count <n>', 'fleet runs in a Kubernetes Indexed Job: the number of shards (the index comes from JOB_COMPLETION_INDEX)')
    .option('--concurrency <n>', `fleet runs: how many projects are listed and clusters read at once (default ${DEFAULT_CONCURRENCY})`)
    .option('--run-id <id>', 'fleet runs: the id the report carries and shards are written under (default: GKE_DOCTOR_RUN_ID, CLOUD_RUN_EXECUTION, else made from the time)');
}
