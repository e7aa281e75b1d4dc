import { clusterNetwork } from './cluster-network.js';
import type { Cluster } from './gcp-types.js';

/**
 * The project of the cluster's VPC network when it is not the cluster's own project: the Shared VPC
 * host. Null when the network is the project's own, or the cluster does not say.
 */
export function sharedVpcHostProject(cluster: Cluster, project: string): string | null {
  const network = clusterNetwork(cluster, project);
  return network && network.project !== project ? network.project : null;
}
