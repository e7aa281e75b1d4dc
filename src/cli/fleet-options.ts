import type { Check, RunContext } from '../engine/check.js';
import type { SpooledFleet } from '../engine/fleet-report.js';
import { spooledFleetReport, targetLabel } from '../engine/fleet-report.js';
import { TargetSpool } from '../engine/target-spool.js';
import { InputError } from '../errors.js';
import type { FleetMember } from '../fleet/run-fleet.js';
import type { AfterRun } from '../fleet/run-fleet.js';
import { runFleet } from '../fleet/run-fleet.js';
import { inShard, resolveShard } from '../fleet/shard.js';
import type { RunIdentity, RunInputs } from '../fleet/run-identity.js';
import { resolveRunId, runIdentity } from '../fleet/run-identity.js';
import type { EndpointKind } from '../fleet/cluster-endpoint.js';
import { splitIds } from '../engine/select.js';
import type { Deadline } from '../state/live/deadline.js';
import type { FleetListing } from '../fleet/live-fleet.js';
import type { FleetSchedule } from '../fleet/schedule.js';
import { DEFAULT_CONCURRENCY, parseConcurrency, requirePositive } from '../fleet/schedule.js';
import { parseDuration } from './duration-flag.js';
import type { LiveFlags } from './live-options.js';
import type { FleetFlags } from './fleet-flags.js';
import { flagName } from './flag-name.js';
import type { ProcessIo } from './process-io.js';
import { stderrRequestLog } from './verbose.js';

/**
 * `--all-clusters`: the clusters of every `--project`, each a fleet member read
 * live without a kubeconfig. Flags that name one cluster or one kubeconfig
 * context make no sense with it and are refused, as is `--fix` (check).
 */
export async function allClustersMembers(
  flags: FleetFlags & LiveFlags & { quiet?: boolean },
  io: Pick<ProcessIo, 'env' | 'stderr'>,
  deadline: Deadline,
  reading: { leaveOutUnreadFields?: boolean } = {},
): Promise<FleetListing> {
  const stray = (['cluster', 'context', 'kubeconfig'] as const).find((name) => flags[name] !== undefined);
  if (stray) throw new InputError(`${flagName(stray)} names one cluster; --all-clusters reads every cluster of each --project (narrow it with --location and --cluster-filter)`);
  const projects = splitIds(flags.project === undefined ? [] : [flags.project]);
  const parent = flags.parent === undefined ? undefined : parseParent(flags.parent);
  if (projects.length === 0 && !parent) throw new InputError('--all-clusters needs --project PROJECT (repeatable, or comma-separated) or --parent folders/ID | organizations/ID');
  // Bad flags are refused before anything is listed.
  scheduleOf(flags, deadline);
  const [{ allClusters }, { googleCredentials }, { stderrProgress }] = await Promise.all([
    import('../fleet/live-fleet.js'),
    import('../state/live/gcp-credentials.js'),
    import('./progress.js'),
  ]);
  return allClusters({
    projects,
    ...(parent ? { parent } : {}),
    ...(flags.location ? { location: flags.location } : {}),
    ...(flags.clusterFilter !== undefined ? { clusterFilter: flags.clusterFilter } : {}),
    endpoint: (flags.endpoint ?? 'public') as EndpointKind,
    ...(flags.accessTokenFile ? { accessTokenFile: flags.accessTokenFile } : {}),
    auth: await googleCredentials(flags, io.env),
    env: io.env,
    deadline,
    concurrency: concurrencyOf(flags),
    progress: stderrProgress(Boolean(flags.quiet), io.stderr, Boolean(flags.verbose)),
    ...(flags.verbose ? { requestLog: stderrRequestLog(flags, io.stderr) } : {}),
    ...(reading.leaveOutUnreadFields ? { leaveOutUnreadFields: true } : {}),
  });
}

/** `--parent folders/ID | organizations/ID`: a folder or an organization, by number (as Resource Manager names them). */
export function parseParent(text: string): string {
  const parent = text.trim();
  if (!/^(folders|organizations)\/\d+$/.test(parent)) throw new InputError(`--parent ${text}: expected folders/ID or organizations/ID (a number, as gcloud resource-manager folders list prints it)`);
  return parent;
}

/** `--concurrency`, or its default. */
export function concurrencyOf(flags: FleetFlags): number {
  return flags.concurrency === undefined ? DEFAULT_CONCURRENCY : parseConcurrency(flags.concurrency);
}

/** `--concurrency`, `--cluster-timeout` and the run's deadline: how a fleet run spends its time. */
export function scheduleOf(flags: FleetFlags, deadline: Deadline): FleetSchedule {
  return {
    concurrency: concurrencyOf(flags),
    deadline,
    ...(flags.clusterTimeout === undefined
      ? {}
      : { clusterTimeoutMs: requirePositive(parseDuration(flags.clusterTimeout, '--cluster-timeout', { timer: true }), '--cluster-timeout', flags.clusterTimeout) }),
  };
}

/**
 * This task's run: its id, start, inputs and shard, settled before anything is read, so a
 * sharded task without a run id stops at once (exit 2) instead of after the whole fleet.
 */
export function fleetRun(flags: FleetFlags & LiveFlags & { snapshot?: string }, env: NodeJS.ProcessEnv, startedAt: Date): RunIdentity {
  const shard = resolveShard(flags, env);
  const live = Boolean(flags.allClusters);
  const inputs: RunInputs = {
    source: live ? 'live' : 'snapshot',
    projects: live && flags.project !== undefined ? splitIds([flags.project]) : null,
    parent: live ? (flags.parent ?? null) : null,
    location: live ? (flags.location ?? null) : null,
    clusterFilter: live ? (flags.clusterFilter ?? null) : null,
    endpoint: live ? (flags.endpoint ?? 'public') : null,
    snapshot: live ? null : (flags.snapshot ?? null),
  };
  return runIdentity(resolveRunId(flags.runId, env, startedAt, shard), startedAt, inputs, shard);
}

/** The fleet flags were given to a run over one cluster. */
export function rejectFleetFlags(flags: FleetFlags & LiveFlags): void {
  if (flags.project?.includes(',')) throw new InputError(`--project ${flags.project}: several projects are for --all-clusters`);
  const stray = (['shard', 'shardCount', 'concurrency', 'clusterFilter', 'endpoint', 'clusterTimeout', 'parent', 'runId'] as const).find((name) => flags[name] !== undefined);
  if (stray) {
    throw new InputError(`--${stray.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} is for fleet runs: pass --all-clusters, or --snapshot of a DIR/PROJECT/LOCATION/CLUSTER/ tree`);
  }
}

/**
 * Checks the members of this task's shard, at most `--concurrency` at once, and builds the fleet
 * report: each cluster's report is spooled as it is done (the caller closes `spool` once written).
 */
export async function checkFleet(
  source: string,
  listing: FleetListing | { members: readonly FleetMember[]; projects?: undefined; discovery?: undefined },
  checks: readonly Check[],
  context: RunContext & { deadline: Deadline },
  flags: FleetFlags,
  run: RunIdentity,
  afterRun?: AfterRun,
): Promise<SpooledFleet> {
  const { shard } = run;
  const mine = listing.members.filter((member) => inShard(clusterRef(member), shard));
  const spool = new TargetSpool((report) => targetLabel(report.target));
  try {
    await runFleet(mine, checks, context, scheduleOf(flags, context.deadline), spool, afterRun);
  } catch (error) {
    spool.close();
    throw error;
  }
  return spooledFleetReport(source, spool, shard ? { count: shard.count, present: [shard.index], missing: [] } : null, { projects: listing.projects, discovery: listing.discovery, run });
}

function clusterRef({ target }: FleetMember) {
  return { project: target.project ?? '', location: target.location ?? '', cluster: target.cluster ?? '' };
}
