import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS, KubernetesObjects } from '../../src/state/cluster-state.js';
import type { Condition, KubeObject, Route } from '../../src/state/kubernetes-types.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { fixturePath } from './fixtures.js';

/** A fixture's snapshot with some objects changed in memory (`change` returns the object, changed or not). */
export async function fixtureStateWith(name: string, change: (object: KubeObject) => KubeObject): Promise<ClusterState> {
  const state = await new SnapshotSource(fixturePath(name)).collect(new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS]));
  return { ...state, kubernetes: new KubernetesObjects(state.kubernetes.all().map((object) => change(structuredClone(object)))) };
}

/** The route's Accepted condition, as GKE's controller would write it, for generation `observedGeneration`; the route itself at `generation`. */
export function withAccepted(route: Route, accepted: Pick<Condition, 'status' | 'reason' | 'message'>, { generation = 1, observedGeneration = 1 } = {}): Route {
  route.metadata = { ...route.metadata, generation };
  for (const parent of route.status?.parents ?? []) {
    parent.conditions = (parent.conditions ?? []).map((condition) => (condition.type === 'Accepted' ? { ...condition, ...accepted, observedGeneration } : condition));
  }
  return route;
}
