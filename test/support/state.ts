import type { Check, CheckResult, RunContext } from '../../src/engine/check.js';
import { checkContext } from '../../src/engine/check.js';
import type { ClusterState, DataKey, GcpData } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { FIXTURE_NOW } from './fixtures.js';

/** A ClusterState built in memory, for tests of one finding at a time. */
export function clusterState(gcp: GcpData, objects: KubeObject[] = [], unavailable: [DataKey, string][] = []): ClusterState {
  return {
    ...gcp,
    target: { source: 'test', project: gcp.project?.projectId ?? null, location: gcp.cluster?.location ?? null, cluster: gcp.cluster?.name ?? null },
    kubernetes: new KubernetesObjects(objects),
    unavailable: new Map(unavailable),
    locations: new Map(),
  };
}

export const CONTEXT: RunContext = { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 };

/** Runs one check's `run` on a state, with the context the runner would give it. */
export function runCheck(check: Check, state: ClusterState, context: RunContext = CONTEXT): CheckResult | Promise<CheckResult> {
  return check.run(state, checkContext(check, context));
}
