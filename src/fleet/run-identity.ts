import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Shard } from './shard.js';

/**
 * What a fleet run was asked to check. Every shard of one run was given the same, so `merge`
 * refuses shards whose inputs differ: they are not parts of one fleet.
 */
export interface RunInputs {
  /** `live` (`--all-clusters`) or `snapshot` (a tree of snapshots). */
  source: string;
  /** `--project`, as listed (live). */
  projects: string[] | null;
  /** `--parent folders/ID | organizations/ID` (live). */
  parent: string | null;
  location: string | null;
  clusterFilter: string | null;
  /** `--endpoint` (live). */
  endpoint: string | null;
  /** The snapshot tree's directory, as given. */
  snapshot: string | null;
}

/** A fleet report's `run` (DESIGN.md: additive to version 1): which run wrote it, when, from what, and which shard it is. */
export interface RunIdentity {
  id: string;
  /** ISO 8601, UTC. */
  startedAt: string;
  /** The gke-doctor that ran it. */
  version: string;
  inputs: RunInputs;
  /** This report's shard; null for an unsharded run, and for the merge of a run's shards (its coverage is `fleet.shards`). */
  shard: Shard | null;
}

/**
 * The environment variable a Kubernetes Job sets from its Pod's `batch.kubernetes.io/controller-uid`
 * label with the downward API (deploy/fleet/indexed-job.yaml): a Pod sees neither its Job's name nor
 * its uid otherwise. The label is the Job's uid, the same in every Pod (every index, every retry) of
 * one Job and new for each Job a CronJob makes (kubernetes pkg/apis/batch/types.go ControllerUidLabel).
 */
export const RUN_ID_ENV = 'GKE_DOCTOR_RUN_ID';

/** A run id names a directory of shards (`PREFIX/RUN_ID/`): plain characters only, so it can never climb out of it. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The run's id: `--run-id`, else the job engine's own id for this run (GKE_DOCTOR_RUN_ID in a
 * Kubernetes Job; CLOUD_RUN_EXECUTION in a Cloud Run job, the execution every task of it shares:
 * cloud.google.com/run/docs/container-contract#jobs-env-vars), else one made of the time and
 * random bits. A made-up id is this task's alone, so a sharded run refuses it: its shards would
 * each be a run of their own, which `merge` will not combine.
 */
export function resolveRunId(flag: string | undefined, env: NodeJS.ProcessEnv, now: Date, shard: Shard | null): string {
  const given: [string, string | undefined][] = [
    ['--run-id', flag],
    [RUN_ID_ENV, env[RUN_ID_ENV]],
    ['CLOUD_RUN_EXECUTION', env.CLOUD_RUN_EXECUTION],
  ];
  const [from, id] = given.find(([, value]) => value !== undefined && value !== '') ?? [];
  if (from !== undefined && id !== undefined) {
    if (!RUN_ID.test(id)) throw new InputError(`${from} ${JSON.stringify(id)}: a run id is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    return id;
  }
  if (shard) {
    const where = env.JOB_COMPLETION_INDEX
      ? `set ${RUN_ID_ENV} from the Pod label batch.kubernetes.io/controller-uid (deploy/fleet/indexed-job.yaml), or pass --run-id`
      : 'pass the same --run-id to every shard of the run';
    throw new InputError(`shard ${shard.index}/${shard.count} has no run id, so merge could not tell its run from another: ${where}`);
  }
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

export function runIdentity(id: string, startedAt: Date, inputs: RunInputs, shard: Shard | null): RunIdentity {
  return { id, startedAt: startedAt.toISOString(), version: VERSION, inputs, shard };
}

/** Where two runs' inputs differ (`projects a,b and a`), or null when they are the same run's. */
export function inputsDifference(a: RunIdentity, b: RunIdentity): string | null {
  if (a.version !== b.version) return `gke-doctor ${a.version} and ${b.version}`;
  for (const key of [...new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)])].sort() as (keyof RunInputs)[]) {
    const [left, right] = [a.inputs[key], b.inputs[key]].map((value) => (Array.isArray(value) ? value.join(',') : String(value)));
    if (left !== right) return `${key} ${left} and ${right}`;
  }
  return null;
}
