import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';

/** One part of a fleet split across parallel tasks: `index` of `count`, counted from 0. */
export interface Shard {
  index: number;
  count: number;
}

/** A cluster of the fleet, as sharding and reports name it. */
export interface ClusterRef {
  project: string;
  location: string;
  cluster: string;
}

/**
 * The shard a cluster belongs to: a hash of `project/location/cluster`, so the
 * same cluster lands in the same shard on every run and every machine, whatever
 * order the clusters were listed in and whatever else the fleet holds.
 */
export function shardOf(ref: ClusterRef, count: number): number {
  const digest = createHash('sha256').update(`${ref.project}/${ref.location}/${ref.cluster}`).digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(count));
}

export function inShard(ref: ClusterRef, shard: Shard | null): boolean {
  return shard === null || shardOf(ref, shard.count) === shard.index;
}

/** `--shard INDEX/COUNT`. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new InputError(`--shard ${text}: expected INDEX/COUNT, e.g. 0/4 (INDEX counts from 0)`);
  return checkedShard(Number(match[1]), Number(match[2]), `--shard ${text}`);
}

export interface ShardFlags {
  shard?: string;
  shardCount?: string;
}

/**
 * The shard this task checks: `--shard`, else what the job engine running the
 * task says. A Kubernetes Indexed Job sets JOB_COMPLETION_INDEX (its count is
 * `spec.completions`, which the Pod does not see, hence `--shard-count`); a
 * Cloud Run job sets CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT.
 * (kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode,
 * cloud.google.com/run/docs/container-contract#jobs-env-vars)
 */
export function resolveShard(flags: ShardFlags, env: NodeJS.ProcessEnv): Shard | null {
  const count = flags.shardCount === undefined ? undefined : parseCount(flags.shardCount);
  if (flags.shard !== undefined) {
    if (count !== undefined) throw new InputError('--shard-count goes with an index from the environment (JOB_COMPLETION_INDEX); --shard already names both');
    return parseShard(flags.shard);
  }
  const jobIndex = env.JOB_COMPLETION_INDEX;
  if (jobIndex !== undefined && jobIndex !== '') {
    if (count === undefined) {
      throw new InputError(`JOB_COMPLETION_INDEX is ${jobIndex} (a Kubernetes Indexed Job): pass --shard-count with the Job's spec.completions`);
    }
    return checkedShard(parseIndex(jobIndex, 'JOB_COMPLETION_INDEX'), count, 'JOB_COMPLETION_INDEX');
  }
  const runIndex = env.CLOUD_RUN_TASK_INDEX;
  const runCount = env.CLOUD_RUN_TASK_COUNT;
  if (runIndex !== undefined && runIndex !== '') {
    const tasks = count ?? (runCount ? parseIndex(runCount, 'CLOUD_RUN_TASK_COUNT') : undefined);
    if (tasks === undefined) throw new InputError(`CLOUD_RUN_TASK_INDEX is ${runIndex} but CLOUD_RUN_TASK_COUNT is not set: pass --shard-count`);
    return checkedShard(parseIndex(runIndex, 'CLOUD_RUN_TASK_INDEX'), tasks, 'CLOUD_RUN_TASK_INDEX');
  }
  if (count !== undefined) throw new InputError('--shard-count needs JOB_COMPLETION_INDEX or CLOUD_RUN_TASK_INDEX in the environment; outside a job, pass --shard INDEX/COUNT');
  return null;
}

function parseCount(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InputError(`--shard-count ${text}: expected a whole number of at least 1`);
  return Number(text);
}

function parseIndex(text: string, name: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InputError(`${name} is "${text}": expected a whole number`);
  return Number(text);
}

/**
 * The most shards a run may be split into: what a Kubernetes Indexed Job may run in parallel
 * (kubernetes pkg/apis/batch/validation/validation.go maxParallelismForIndexedJob; a Cloud Run
 * job has at most 10,000 tasks). `merge` lists every missing index, so a count past it is refused.
 */
export const MAX_SHARDS = 100_000;

function checkedShard(index: number, count: number, what: string): Shard {
  if (count < 1) throw new InputError(`${what}: the shard count must be at least 1`);
  if (count > MAX_SHARDS) throw new InputError(`${what}: a shard count of ${count} is over the ${MAX_SHARDS} a run may be split into`);
  if (index >= count) throw new InputError(`${what}: shard index ${index} is not below the count ${count} (indexes count from 0)`);
  return { index, count };
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
