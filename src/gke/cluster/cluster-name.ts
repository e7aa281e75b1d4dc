import type { ClusterState } from '../../state/cluster-state.js';

/** `projects/P/locations/L/clusters/C`: the cluster's full resource name, as findings name it. */
export function clusterResourceName(state: ClusterState): string {
  const { project, location, cluster } = state.target;
  return `projects/${project ?? '-'}/locations/${location ?? '-'}/clusters/${state.cluster?.name ?? cluster ?? '-'}`;
}
